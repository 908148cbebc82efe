"""mmsport: an OpenMMLab plugin codebase for sports video analytics.

``import mmsport`` is light (standard library only): it installs the
documented packaging shim for mmaction2 (:mod:`mmsport.compat`) and checks
the upstream versions. Modules register themselves when their registry is
first used (``locations`` in :mod:`mmsport.registry`, like mmyolo), or all at
once with :func:`register_all_modules`; configs keep
``custom_imports = dict(imports=['mmsport'])``.
"""
import warnings

from . import compat
from .version import UPSTREAM_RANGES, __version__

compat.install_drn_placeholder()


def _check_versions() -> None:
    from importlib.metadata import PackageNotFoundError, version

    from packaging.version import Version
    for dist, (low, high) in UPSTREAM_RANGES.items():
        try:
            v = Version(version(dist))
        except PackageNotFoundError:
            continue
        if not Version(low) <= v < Version(high):
            warnings.warn(f'mmsport {__version__} was tested with {dist} in [{low}, {high}); '
                          f'found {v}. Things may break.')


_check_versions()


def register_all_modules(init_default_scope: bool = True) -> None:
    """Import every mmsport module so the registries are filled (see :mod:`mmsport.utils`)."""
    from .utils.setup_env import register_all_modules as _register
    _register(init_default_scope)


__all__ = ['__version__', 'register_all_modules']
