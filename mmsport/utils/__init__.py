from .atomic import atomic_open
from .dist import configure_dist_backend
from .setup_env import register_all_modules

__all__ = ['atomic_open', 'configure_dist_backend', 'register_all_modules']
