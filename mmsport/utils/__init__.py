"""Small utilities; attributes are imported on first use, so ``mmsport.utils.atomic``
stays free of torch and OpenMMLab."""
from .atomic import atomic_open

__all__ = ['atomic_open', 'configure_dist_backend', 'register_all_modules']


def __getattr__(name):
    if name == 'configure_dist_backend':
        from .dist import configure_dist_backend
        return configure_dist_backend
    if name == 'register_all_modules':
        from .setup_env import register_all_modules
        return register_all_modules
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
