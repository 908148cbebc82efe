"""Small utilities; attributes are imported on first use, so ``mmsport.utils.atomic``
and ``mmsport.utils.interrupt`` stay free of torch and OpenMMLab."""
from .atomic import atomic_open

__all__ = ['atomic_open', 'configure_dist_backend', 'dist_session', 'shutdown_dist', 'register_all_modules',
           'check_config_keys', 'ConfigKeyError', 'sigterm_as_interrupt', 'die_with_parent',
           'exit_on_sigterm', 'partial_path']

_LAZY = {'configure_dist_backend': 'dist', 'dist_session': 'dist', 'shutdown_dist': 'dist', 'register_all_modules': 'setup_env',
         'check_config_keys': 'config_check', 'ConfigKeyError': 'config_check',
         'sigterm_as_interrupt': 'interrupt', 'die_with_parent': 'interrupt',
         'exit_on_sigterm': 'interrupt', 'partial_path': 'interrupt'}


def __getattr__(name):
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(f'{__name__}.{_LAZY[name]}'), name)
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
