"""Faster CPU inference of a convolutional network: channels-last, traced and frozen.

On a CPU, PyTorch's eager convolutions of a narrow U-Net spend much of their time on
memory layout; the same weights run 2-3x faster in channels-last memory format with
batch norm folded into the convolutions (``torch.jit.freeze``). Measured on the shipped
ball tracker (2 cores, 16 stacks of 640x360): 167 ms a frame eager, 83 channels-last,
51 traced and frozen (``benchmarks/bench_shipped_tracker.py`` has the end-to-end numbers).

``torch.jit.freeze`` rather than ``torch.compile``: compiling on a CPU needs a C++
toolchain at run time and minutes per shape. If a later torch drops TorchScript, tracing
fails and the eager channels-last copy runs (the same numbers, without the folding).

The traced graph is specialised to one input height and width (shapes computed in Python,
e.g. padding, become constants), so one graph is kept per (H, W); any batch size works.
"""
import copy
from typing import Dict, Tuple

import torch
import torch.nn as nn


class FrozenCPUForward:
    """Callable ``(B, C, H, W) -> net(x)`` running a traced, frozen channels-last copy of ``net``.

    Args:
        net: a module in eval mode whose forward takes one tensor (e.g. ``BallUNet``).
            It is copied; later changes to ``net`` are not seen.

    The first call for a new (H, W) traces and freezes a graph (a second or so);
    if tracing fails (an unsupported op), that size falls back to the eager
    channels-last copy, which gives the same numbers.
    """

    def __init__(self, net: nn.Module):
        self.net = copy.deepcopy(net).eval().to(memory_format=torch.channels_last)
        self._graphs: Dict[Tuple[int, int], object] = {}

    @torch.no_grad()
    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous(memory_format=torch.channels_last)
        size = tuple(x.shape[-2:])
        graph = self._graphs.get(size)
        if graph is None:
            graph = self._graphs[size] = self._trace(x)
        return graph(x)

    def _trace(self, x: torch.Tensor):
        import warnings
        try:
            with warnings.catch_warnings():
                warnings.simplefilter('ignore', torch.jit.TracerWarning)
                warnings.simplefilter('ignore', FutureWarning)  # jit.freeze's deprecation note
                return torch.jit.freeze(torch.jit.trace(self.net, x[:1], check_trace=False))
        except Exception:  # noqa: BLE001  (an untraceable net still runs, eagerly)
            return self.net
