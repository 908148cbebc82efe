"""Clean interruption: SIGTERM handled like Ctrl-C, workers that die with their parent,
and partial-file names that never look finished.

Standard library only (used by the light :mod:`mmsport.video`).

* :func:`sigterm_as_interrupt` - while active, SIGTERM raises ``KeyboardInterrupt`` in
  the main thread, so ``finally`` blocks and ``with`` exits run (temporary files are
  removed, worker pools terminated) instead of the process vanishing mid-write.
* :func:`die_with_parent` - in a worker process: the kernel sends it SIGTERM when the
  parent dies, even by SIGKILL (Linux ``PR_SET_PDEATHSIG``; a no-op elsewhere).
* :func:`exit_on_sigterm` - in a worker process: SIGTERM raises ``SystemExit`` (so the
  worker's own clean-up runs) and Ctrl-C is left to the parent, which stops the workers.
* :func:`partial_path` - ``<path>.part``: the name a file is written under until it is
  complete; ``out.mp4.part`` is never matched by ``*.mp4``.
"""
import contextlib
import ctypes
import os
import signal
import sys
import threading

PART_SUFFIX = '.part'


def partial_path(path: str) -> str:
    """The name ``path`` is written under until complete: ``<path>.part``."""
    return path + PART_SUFFIX


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt(f'signal {signum}')


@contextlib.contextmanager
def sigterm_as_interrupt():
    """Within the block, SIGTERM raises ``KeyboardInterrupt`` (main thread only).

    Outside the main thread (where Python cannot install handlers) this does nothing.
    The previous handler is restored on exit.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _raise_exit(signum, frame):
    raise SystemExit(128 + signum)


def exit_on_sigterm() -> None:
    """For a worker process: SIGTERM raises ``SystemExit``; SIGINT is ignored.

    A terminal's Ctrl-C reaches the whole process group; ignoring it in workers leaves
    the parent to stop them (with SIGTERM) in a known order.
    """
    signal.signal(signal.SIGTERM, _raise_exit)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def die_with_parent(parent_pid: int, sig: int = signal.SIGTERM) -> bool:
    """Ask the kernel to send ``sig`` to this process when its parent dies.

    Call it first thing in a forked/spawned worker with the parent's pid (taken before
    the fork). Returns True when armed (Linux), False elsewhere. When the parent is
    already gone (it died before the call), ``sig`` is raised at once.
    """
    armed = False
    if sys.platform.startswith('linux'):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(1, int(sig), 0, 0, 0) == 0  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent_pid:
        os.kill(os.getpid(), sig)
    return armed
