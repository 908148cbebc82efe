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


PARENT_PID_ENV = 'MMSPORT_PARENT_PID'


def run_child_processes(commands, env=None, grace_s: float = 5.0):
    """Run commands in parallel and return their exit codes, stopping them with the parent.

    While they run, SIGTERM (and Ctrl-C) in this process raise ``KeyboardInterrupt``; on
    any way out the children still running get SIGTERM, then SIGKILL after ``grace_s``.
    Each child finds this process's pid in ``$MMSPORT_PARENT_PID`` (see
    :func:`arm_child`), so it also stops if this process is killed outright.
    """
    import subprocess
    env = dict(os.environ if env is None else env, **{PARENT_PID_ENV: str(os.getpid())})
    procs = []
    try:
        with sigterm_as_interrupt():
            procs = [subprocess.Popen(cmd, env=env) for cmd in commands]
            return [p.wait() for p in procs]
    finally:
        alive = [p for p in procs if p.poll() is None]
        for p in alive:
            p.terminate()
        for p in alive:
            try:
                p.wait(grace_s)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def arm_child() -> bool:
    """In a child of :func:`run_child_processes`: die with the parent, SIGTERM -> exit."""
    parent = os.environ.get(PARENT_PID_ENV)
    if not parent:
        return False
    signal.signal(signal.SIGTERM, _raise_exit)
    return die_with_parent(int(parent))
