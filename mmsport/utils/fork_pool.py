"""Run a function over tasks in forked worker processes, one task at a time each,
yielding results in completion order; a worker that dies fails only its task.

Unlike :class:`multiprocessing.pool.Pool`, a worker that crashes (say a decoder
segfault on a bad file) does not hang the pool: its task gets ``died(task, exitcode)``
as its result and a new worker takes its place. Interruption is clean: SIGTERM
raises ``KeyboardInterrupt`` in the parent while the generator runs, and whenever
the generator ends (finished, interrupted, closed early) every worker is stopped
and ``cleanup(task)`` runs for each task still in flight. Workers also stop when
the parent is killed outright (:func:`~mmsport.utils.interrupt.die_with_parent`,
and EOF on their pipe where that is not available).

Tasks are not pickled (the workers are forked with the list and receive indices),
so this works for functions defined anywhere, including a script loaded by path.
Standard library only.
"""
import multiprocessing
import multiprocessing.connection as mp_connection
import os
from typing import Any, Callable, Iterator, Optional, Sequence

from mmsport.utils.interrupt import die_with_parent, exit_on_sigterm, sigterm_as_interrupt


def _worker(fn: Callable, tasks: Sequence, conn, inherited, parent_pid: int) -> None:
    """Forked worker: send ``fn(tasks[i])`` for each index received on ``conn`` until None.

    ``inherited`` are the parent's ends of the pipes (this worker's and the others')
    that the fork copied: closing them lets ``recv`` see EOF when the parent dies, so
    a worker never blocks forever on a pipe only it still holds open.
    """
    for c in inherited:
        c.close()
    exit_on_sigterm()
    die_with_parent(parent_pid)
    try:
        for i in iter(conn.recv, None):
            conn.send(fn(tasks[i]))
    except (EOFError, OSError):  # the parent is gone
        pass


def _stop(workers: dict, tasks: Sequence, cleanup: Optional[Callable]) -> None:
    """Stop the workers (SIGTERM, then SIGKILL after 5 s) and clean up their unfinished
    tasks (``workers``: conn -> (process, task index, None when idle))."""
    for proc, _ in workers.values():
        if proc.is_alive():
            proc.terminate()
    for conn, (proc, i) in workers.items():
        proc.join(5)
        if proc.is_alive():
            proc.kill()
            proc.join()
        conn.close()
        if cleanup is not None and i is not None:
            cleanup(tasks[i])


def run_forked(fn: Callable[[Any], Any], tasks: Sequence, num_workers: int,
               died: Callable[[Any, Optional[int]], Any],
               cleanup: Optional[Callable[[Any], None]] = None) -> Iterator[Any]:
    """Yield ``fn(task)`` for every task, in completion order.

    Args:
        fn: run in a worker on one task; it should return (not raise) for a bad task,
            an exception kills only that worker.
        tasks: the tasks; they reach the workers by fork, never pickled.
        num_workers: worker processes (at most ``len(tasks)`` are started).
        died: ``died(task, exitcode)`` is yielded for a task whose worker died.
        cleanup: ``cleanup(task)`` runs in the parent for a task whose worker died
            or was stopped before finishing it (e.g. remove its partial output).

    Without the fork start method, runs in this process (``map``). Close the
    generator (``contextlib.closing``) when not consuming it to the end.
    """
    if 'fork' not in multiprocessing.get_all_start_methods():
        with sigterm_as_interrupt():
            yield from map(fn, tasks)
        return
    ctx, todo, workers = multiprocessing.get_context('fork'), iter(range(len(tasks))), {}
    parent_pid = os.getpid()

    def feed(conn, proc):
        """Send the next index to a worker, or stop it when there is none."""
        i = next(todo, None)
        if i is not None:
            conn.send(i)
            workers[conn] = (proc, i)
            return
        workers.pop(conn, None)
        conn.send(None)
        conn.close()
        proc.join()

    def start():
        conn, child = ctx.Pipe()
        proc = ctx.Process(target=_worker, daemon=True,
                           args=(fn, tasks, child, [conn, *workers], parent_pid))
        proc.start()
        child.close()
        feed(conn, proc)

    with sigterm_as_interrupt():
        try:
            for _ in range(min(num_workers, len(tasks))):
                start()
            while workers:
                sentinels = {proc.sentinel: conn for conn, (proc, _) in workers.items()}
                for obj in mp_connection.wait(list(workers) + list(sentinels)):
                    conn = sentinels.get(obj, obj)
                    if conn not in workers:
                        continue
                    proc, i = workers[conn]
                    try:
                        result = conn.recv()
                    except (EOFError, OSError):  # the worker died on tasks[i]
                        del workers[conn]
                        conn.close()
                        proc.join()
                        if cleanup is not None:
                            cleanup(tasks[i])
                        yield died(tasks[i], proc.exitcode)
                        start()
                        continue
                    workers[conn] = (proc, None)  # idle: its task is finished
                    yield result
                    feed(conn, proc)
        finally:
            _stop(workers, tasks, cleanup)
