"""Atomic file output: a file appears complete under its name, or not at all."""
import contextlib
import os


@contextlib.contextmanager
def atomic_open(path: str, mode: str = 'w', **kwargs):
    """Open ``<path>.<pid>.tmp`` for writing; rename it to ``path`` only on success.

    On an exception the temporary file is removed and ``path`` is untouched.
    The process id in the temporary name keeps concurrent writers of the same
    file (e.g. distributed ranks) from writing into one temporary file.
    """
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = f'{path}.{os.getpid()}.tmp'
    try:
        with open(tmp, mode, **kwargs) as f:
            yield f
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
