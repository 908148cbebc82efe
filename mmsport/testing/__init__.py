from .tennis import make_tiny_tennis_data, tiny_tennis_cfg

__all__ = ['make_tiny_tennis_data', 'tiny_tennis_cfg']
from .soccer import make_tiny_soccer_data, write_random_features  # noqa: E402

__all__ += ['make_tiny_soccer_data', 'write_random_features']
from .reid import make_tiny_reid_data  # noqa: E402

__all__ += ['make_tiny_reid_data']
from .recognition import make_tiny_class_folders, make_tiny_recognition_data, reroot  # noqa: E402

__all__ += ['make_tiny_recognition_data', 'reroot', 'make_tiny_class_folders']
