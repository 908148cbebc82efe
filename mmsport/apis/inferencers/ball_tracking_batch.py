"""Ball-tracking inference over many clips, in one or several processes."""
import multiprocessing as mp
import os
from typing import Iterator, Optional, Sequence

_STATE = {}


def _init_worker(config, weights, device, batch_size, threads, in_pool=False):
    import torch
    if in_pool:  # the parent stops the pool with SIGTERM: let each worker clean up
        from mmsport.utils.interrupt import exit_on_sigterm
        exit_on_sigterm()
    torch.set_num_threads(threads)
    from .ball_tracking_inferencer import BallTrackingInferencer
    _STATE['inferencer'] = BallTrackingInferencer(config, weights, device, batch_size,
                                                  show_progress=False)


def _run_one(job):
    clip, out_csv, vis, tail, postprocess = job
    from .ball_tracking_inferencer import track_clip
    inf = _STATE['inferencer']
    return track_clip(inf.streamer, clip, out_csv,
                      inf.postprocess_cfg if postprocess else None, vis, tail)


def track_many(config, weights: Optional[str], inputs: Sequence[str], out_dir: str,
               nproc: int = 1, device: Optional[str] = 'cpu', batch_size: int = 16,
               vis: bool = False, tail: int = 8, postprocess: bool = True,
               log=print) -> Iterator[dict]:
    """Track every clip found in ``inputs``, yielding each clip's result as it finishes.

    With ``nproc > 1`` the clips are shared among spawned worker processes,
    each with its own model and ``cpu_count // nproc`` threads.

    Yields:
        dict: the result of :func:`track_clip` (``error`` set for a failed clip).
    """
    from .ball_tracking_inferencer import collect_ball_inputs
    items = collect_ball_inputs(inputs, out_dir, log=log)
    if not items:
        return
    nproc = max(1, min(nproc, len(items)))
    threads = max(1, (os.cpu_count() or 1) // nproc)
    log(f'{len(items)} input(s), {nproc} process(es) x {threads} thread(s)')
    jobs = [(clip, out_csv, vis, tail, postprocess) for clip, out_csv in items]
    init_args = (config, weights, device, batch_size, threads)
    if nproc == 1:
        _init_worker(*init_args)
        for job in jobs:
            yield _run_one(job)
        return
    ctx = mp.get_context('spawn')
    with ctx.Pool(nproc, initializer=_init_worker, initargs=init_args + (True,)) as pool:
        yield from pool.imap_unordered(_run_one, jobs)
