"""Documented shims for upstream packaging bugs. Site-packages stay untouched.

1. mmaction2 1.2.0 on PyPI lacks ``mmaction/models/localizers/drn`` (issue
   open-mmlab/mmaction2#2714), so ``import mmaction.models`` fails with
   ``No module named 'mmaction.models.localizers.drn'``. DRN is a temporal
   grounding model mmsport does not use. :func:`install_drn_placeholder`
   registers placeholder modules under that name in ``sys.modules`` *before*
   mmaction.models is imported; building ``DRN`` then raises a clear error.

2. torch >= 2.6 defaults to ``torch.load(weights_only=True)`` while mmengine
   0.10.7 calls ``torch.load`` without the argument. mmengine checkpoints carry
   ``meta``/``message_hub`` objects (numpy arrays and scalars, mmengine's
   ``HistoryBuffer``, ...) that the safe unpickler rejects, which breaks
   ``--resume`` and ``load_from``. We keep the safe loader and allow-list the
   exact types mmengine writes (:func:`allow_mmengine_checkpoint_types`),
   instead of trusting every pickle with ``weights_only=False``.

The drn placeholder must also exist when ``mmaction.models`` is imported
before mmsport; install.sh therefore adds a one-line ``mmsport_compat.pth``
start-up hook that loads this file by path (it imports neither mmsport nor
torch at start-up) and calls :func:`install_drn_placeholder`.
"""
import importlib.util
import os
import sys
import types

_DRN_MODULES = ('mmaction.models.localizers.drn', 'mmaction.models.localizers.drn.drn')


def _mmaction_lacks_drn() -> bool:
    spec = importlib.util.find_spec('mmaction')
    if spec is None or not spec.submodule_search_locations:
        return False
    root = list(spec.submodule_search_locations)[0]
    localizers = os.path.join(root, 'models', 'localizers')
    return os.path.isdir(localizers) and not os.path.isdir(os.path.join(localizers, 'drn'))


class DRNUnavailable:
    """Placeholder for mmaction's DRN, missing from the mmaction2 1.2.0 wheel."""

    def __init__(self, *args, **kwargs):
        raise ImportError('mmaction.models.localizers.drn is missing from the installed '
                          'mmaction2 wheel (open-mmlab/mmaction2#2714); DRN is not '
                          'available in mmsport.')


def install_drn_placeholder() -> bool:
    """Register placeholder ``drn`` modules if the installed mmaction lacks them.

    Returns:
        True if the placeholder was installed (now or earlier).
    """
    if all(name in sys.modules for name in _DRN_MODULES):
        return True
    if not _mmaction_lacks_drn():
        return False
    pkg = types.ModuleType(_DRN_MODULES[0])
    pkg.__path__ = []  # a package, so ``drn.drn`` resolves
    mod = types.ModuleType(_DRN_MODULES[1])
    mod.DRN = DRNUnavailable
    pkg.drn = mod
    pkg.DRN = DRNUnavailable
    sys.modules[_DRN_MODULES[0]] = pkg
    sys.modules[_DRN_MODULES[1]] = mod
    return True


def _checkpoint_safe_types() -> list:
    """Types found in mmengine 0.10 checkpoints (``meta`` and ``message_hub``)."""
    import collections

    import numpy as np
    from mmengine.logging.history_buffer import HistoryBuffer

    # HistoryBuffer pickles its statistics methods as getattr(HistoryBuffer, 'min').
    # Allowing builtins.getattr is safe enough here: the weights-only unpickler
    # still calls only allow-listed callables, so an attribute fetched this way
    # cannot be called.
    safe = [HistoryBuffer, getattr, collections.OrderedDict, collections.defaultdict,
            np.ndarray, np.dtype, set, frozenset]
    try:  # numpy >= 2 keeps these in numpy._core
        from numpy._core.multiarray import _reconstruct, scalar
    except ImportError:  # numpy 1.x
        from numpy.core.multiarray import _reconstruct, scalar
    safe += [_reconstruct, scalar]
    # dtype classes (numpy >= 1.25 pickles e.g. numpy.dtypes.Float64DType)
    dtypes = getattr(np, 'dtypes', None)
    if dtypes is not None:
        safe += [getattr(dtypes, n) for n in dir(dtypes) if n.endswith('DType')]
    safe += [np.float64, np.float32, np.int64, np.int32, np.bool_]
    return safe


def allow_mmengine_checkpoint_types() -> bool:
    """Allow-list mmengine checkpoint types for ``torch.load(weights_only=True)``.

    Returns:
        True if torch supports ``add_safe_globals`` (torch >= 2.4), else False.
    """
    import torch
    add = getattr(torch.serialization, 'add_safe_globals', None)
    if add is None:
        return False
    add(_checkpoint_safe_types())
    return True


def apply_all() -> None:
    """Apply every shim; idempotent. ``import mmsport`` applies only the first
    (stdlib); :mod:`mmsport.registry` applies the torch one, since every
    model, runner and checkpoint load goes through it."""
    install_drn_placeholder()
    allow_mmengine_checkpoint_types()
