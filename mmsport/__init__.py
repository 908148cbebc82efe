"""mmsport: an OpenMMLab plugin codebase for sports video analytics.

Importing ``mmsport`` applies the documented upstream shims (``mmsport.compat``)
and registers every mmsport module into the ``mmsport`` registries, so configs
only need ``custom_imports = dict(imports=['mmsport'])``.
"""
import warnings

from . import compat

compat.apply_all()

from .version import UPSTREAM_RANGES, __version__  # noqa: E402


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

from . import datasets, engine, evaluation, models, visualization  # noqa: E402,F401
from .utils import register_all_modules  # noqa: E402,F401

__all__ = ['__version__', 'register_all_modules']
