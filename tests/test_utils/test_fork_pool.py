"""mmsport.utils.fork_pool.run_forked: every task's result once, a dying worker fails only
its task and is replaced, an early close stops the workers and cleans up the tasks in
flight, a worker whose parent is gone exits."""
import contextlib
import multiprocessing
import os
import time

import pytest

from mmsport.utils import fork_pool

pytestmark = pytest.mark.skipif('fork' not in multiprocessing.get_all_start_methods(),
                                reason='workers are forked')


def _square_or_die(x):
    if x == 3:
        os._exit(7)  # like a decoder segfault
    return x * x


def _died(task, exitcode):
    return ('died', task, exitcode)


def test_results_of_every_task_and_a_dead_worker_fails_only_its_task():
    cleaned = []
    results = list(fork_pool.run_forked(_square_or_die, list(range(8)), 2, died=_died,
                                        cleanup=cleaned.append))
    assert sorted(r for r in results if not isinstance(r, tuple)) == [0, 1, 4, 16, 25, 36, 49]
    assert [r for r in results if isinstance(r, tuple)] == [('died', 3, 7)]
    assert cleaned == [3]  # only the task whose worker died; finished ones are left alone


def _slow(x):
    time.sleep(0.05 if x == 0 else 30)
    return x


def test_closing_early_stops_the_workers_and_cleans_up_tasks_in_flight():
    cleaned = []
    t0 = time.time()
    with contextlib.closing(fork_pool.run_forked(_slow, [0, 1, 2, 3], 2, died=_died,
                                                 cleanup=cleaned.append)) as results:
        assert next(results) == 0
        children = multiprocessing.active_children()
    assert time.time() - t0 < 20  # stopped, not waited for
    assert cleaned == [1]  # in flight; 0 finished, 2 and 3 never started
    assert not any(p.is_alive() for p in children)


def test_more_workers_than_tasks_and_no_tasks():
    assert sorted(fork_pool.run_forked(abs, [-1, -2], 5, died=_died)) == [1, 2]
    assert list(fork_pool.run_forked(abs, [], 2, died=_died)) == []


def test_worker_exits_when_parent_pipe_closes():
    """Without PR_SET_PDEATHSIG (non-Linux), a worker sees EOF once the parent is gone:
    it holds no copy of the parent's pipe end."""
    ctx = multiprocessing.get_context('fork')
    conn, child = ctx.Pipe()
    proc = ctx.Process(target=fork_pool._worker, args=(abs, [], child, [conn], os.getpid()),
                       daemon=True)
    proc.start()
    child.close()
    conn.close()  # the parent's only copy: the worker's recv() now ends
    proc.join(10)
    assert proc.exitcode == 0
