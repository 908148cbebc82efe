"""Opening binary containers (``.npz``, pickles) with errors that name the file.

A truncated or corrupt ``.npz`` raises ``zipfile.BadZipFile``, ``zlib.error``,
``EOFError`` or ``ValueError`` from deep inside numpy (some only when an array is
read, not when the file is opened); a corrupt pickle raises almost anything. These
helpers read everything inside one ``try`` and raise the caller's error class with
``<path>: <what> ... (<exception type>: <message>)``. Stdlib + numpy only.
"""
import math
import os
import pickle
import zipfile
import zlib
from typing import Dict, Iterable, Optional, Sequence, Type

import numpy as np

#: what a damaged ``.npz`` may raise while it is opened or an array is read
NPZ_ERRORS = (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error)


def load_npz(path: str, keys: Sequence[str], what: str = 'npz file',
             error: Type[Exception] = ValueError, optional: Iterable[str] = (),
             allow_pickle: bool = False) -> Dict[str, np.ndarray]:
    """Read ``keys`` (required) and ``optional`` arrays of an ``.npz``, fully, now.

    Args:
        path: the file.
        keys: arrays that must be present.
        what: the kind of file, for messages (``'raw score file'``, ``'gallery'``).
        error: exception class raised (a ``ValueError`` subclass of the caller).
        optional: arrays read when present.
        allow_pickle: passed to ``np.load``.

    Raises:
        error: missing file, not an npz (truncated, corrupt), or a missing key; the
            message names the file and the key.
    """
    if not os.path.isfile(path):
        raise error(f'{path}: {what} is missing')
    try:
        z = np.load(path, allow_pickle=allow_pickle)
        if not hasattr(z, 'files'):
            raise error(f'{path}: not a {what} (a single .npy array, not an .npz)')
        with z:
            missing = [k for k in keys if k not in z.files]
            if missing:
                raise error(f'{path}: not a {what}: no {", ".join(map(repr, missing))} '
                            f'array (has {z.files})')
            return {k: z[k] for k in list(keys) + [k for k in optional if k in z.files]}
    except NPZ_ERRORS as e:
        if isinstance(e, error) and str(e).startswith(f'{path}:'):
            raise
        raise error(f'{path}: not a readable {what}, truncated or corrupt? '
                    f'({type(e).__name__}: {e})') from e


def check_finite(path: str, name: str, arr: np.ndarray,
                 error: Type[Exception] = ValueError) -> None:
    """Raise ``error`` naming the file, the array and the first non-finite index."""
    a = np.asarray(arr)
    if a.dtype.kind not in 'fc' or a.size == 0:
        return
    bad = ~np.isfinite(a)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        where = ', '.join(map(str, idx))
        raise error(f'{path}: {name}[{where}] is {a[idx]} ({int(bad.sum())} non-finite '
                    f'value(s) in {name})')


def load_pickle(path: str, what: str = 'pickle', error: Type[Exception] = ValueError):
    """Unpickle a file; a missing, truncated or corrupt one raises ``error`` naming it.

    Only for files the user produced (pickles can run code when loaded).
    """
    if not os.path.isfile(path):
        raise error(f'{path}: {what} is missing')
    try:
        with open(path, 'rb') as f:
            return pickle.load(f)
    except MemoryError:
        raise
    except Exception as e:  # noqa: BLE001  a corrupt pickle can raise almost anything
        raise error(f'{path}: not a readable {what}, truncated or corrupt? '
                    f'({type(e).__name__}: {e})') from e


def is_finite_number(v) -> Optional[float]:
    """``float(v)`` when ``v`` is a finite int / float (not bool), else None."""
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        return None
    f = float(v)
    return f if math.isfinite(f) else None
