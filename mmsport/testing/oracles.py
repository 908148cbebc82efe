"""Reference implementations used as test oracles (installed for tests only).

torchreid 0.2.5's ``rank.py`` (``evaluate_rank``) needs only numpy, but
``import torchreid`` runs the package's ``__init__``, which imports all of
torchreid (and gdown, tensorboard, ...). :func:`torchreid_rank` imports the
one module through the normal import system with empty placeholder parent
packages, so nothing else of torchreid runs, and removes the placeholders again.
"""
import importlib
import importlib.util
import os
import sys
import types
import warnings
from typing import Optional

_PARENTS = ('torchreid', 'torchreid.reid', 'torchreid.reid.metrics')


def torchreid_rank() -> Optional[types.ModuleType]:
    """torchreid's ``reid/metrics/rank.py`` module, or None where torchreid is absent."""
    spec = importlib.util.find_spec('torchreid')
    if spec is None or not spec.submodule_search_locations:
        return None
    root = list(spec.submodule_search_locations)[0]
    if not os.path.isfile(os.path.join(root, 'reid', 'metrics', 'rank.py')):
        return None
    saved = {name: sys.modules.get(name) for name in _PARENTS + ('torchreid.reid.metrics.rank', )}
    try:
        for name in _PARENTS:
            pkg = types.ModuleType(name)
            pkg.__path__ = [os.path.join(root, *name.split('.')[1:])]
            sys.modules[name] = pkg
        with warnings.catch_warnings():  # "Cython evaluation is unavailable"
            warnings.simplefilter('ignore')
            return importlib.import_module('torchreid.reid.metrics.rank')
    finally:
        for name, mod in saved.items():
            if mod is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = mod
