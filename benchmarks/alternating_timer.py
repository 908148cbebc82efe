"""Timing shared by the model benchmarks: callables timed in alternating blocks, so that
load changes on a shared machine hit every one of them alike."""
import time


def time_alternating(runs: dict, blocks: int, iters: int, device: str = 'cpu',
                     amp: bool = False) -> dict:
    """Seconds spent by each callable over ``blocks`` rounds of ``iters`` calls.

    Args:
        runs: ``{name: fn}``; each ``fn()`` runs one forward pass.
        blocks: rounds; each round calls every ``fn`` ``iters`` times in turn.
        device: ``'cpu'`` or a CUDA device (synchronised before the clock stops).
        amp: run under autocast (bfloat16 on CPU, float16 on CUDA).

    Returns:
        ``{name: seconds}`` (one warm-up call each is not counted).
    """
    import torch
    dev = torch.device(device)
    amp_dtype = torch.float16 if dev.type == 'cuda' else torch.bfloat16

    def timed(fn, n):
        with torch.no_grad(), torch.autocast(dev.type, dtype=amp_dtype, enabled=amp):
            t0 = time.perf_counter()
            for _ in range(n):
                fn()
            if dev.type == 'cuda':
                torch.cuda.synchronize(dev)
            return time.perf_counter() - t0

    for fn in runs.values():  # warm-up (allocator, oneDNN / cuDNN kernel choice)
        timed(fn, 1)
    spent = dict.fromkeys(runs, 0.0)
    for _ in range(blocks):
        for name, fn in runs.items():
            spent[name] += timed(fn, iters)
    return spent
