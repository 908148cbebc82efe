"""Faster CPU inference of a convolutional network: ONNX Runtime, or channels-last,
traced and frozen PyTorch.

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

:class:`OnnxRuntimeForward` exports the same network to ONNX (one model per input size,
any batch) and runs it with ONNX Runtime's CPU execution provider: on the shipped
space-to-depth tracker (16 stacks of 640x360, 2 cores) 1.02-1.12x the frames/s of the
traced, frozen graph on idle cores and 1.7-1.9x with another job running beside it; the
logits equal to 1e-5. :func:`fast_cpu_forward` picks it when
``onnxruntime`` and ``onnx`` are installed (``install.sh`` installs them) and falls back to
:class:`FrozenCPUForward` otherwise, or for an input size that does not export.
"""
import copy
import io
from typing import Dict, Optional, Tuple

import torch
import torch.nn as nn


class UInt8InputNet(nn.Module):
    """``net`` that takes raw uint8 stacks: the preprocessor's scaling folded into the
    first convolution (``net.fold_input_scale``), the cast to float inside the graph.

    Equals ``net(x.float() * scale)`` to float rounding, without the scaling pass over
    every batch nor a float copy handed to ONNX Runtime (4x fewer bytes).

    Args:
        net: a backbone with ``fold_input_scale`` (e.g. ``BallUNet``); it is copied.
        scale: (C,) factor of each input channel (e.g. 1/255).
    """

    def __init__(self, net: nn.Module, scale: torch.Tensor):
        super().__init__()
        self.net = copy.deepcopy(net).eval()
        self.net.fold_input_scale(scale)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, C, H, W) uint8 (or float) -> ``net``'s output."""
        return self.net(x.float())


def raw_input_net(model: nn.Module) -> Optional[nn.Module]:
    """``model.backbone`` taking uint8 stacks (:class:`UInt8InputNet`), or None when the
    model's preprocessing is not a pure scaling or its backbone cannot fold one."""
    backbone = getattr(model, 'backbone', None)
    scale_of = getattr(getattr(model, 'data_preprocessor', None), 'channel_scale', None)
    if backbone is None or scale_of is None or not hasattr(backbone, 'fold_input_scale'):
        return None
    scale = scale_of(backbone.in_channels)
    return None if scale is None else UInt8InputNet(backbone, scale)


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


CPU_BACKENDS = ('auto', 'onnxruntime', 'torchscript')


class OnnxRuntimeForward:
    """Callable ``(B, C, H, W) -> net(x)`` through ONNX Runtime on the CPU.

    Args:
        net: a module in eval mode whose forward takes one float tensor and returns
            one tensor (e.g. ``BallUNet``). It is copied; later changes are not seen.
        num_threads: ONNX Runtime's intra-op threads (default: ``torch.get_num_threads()``).

    Inputs are fed in their own dtype (a uint8 input for a net such as
    :class:`UInt8InputNet`). The first call for a new (dtype, C, H, W) exports an ONNX model with a dynamic batch axis
    and opens a session (a second or two); if the export fails, that size runs on
    :class:`FrozenCPUForward` instead (the same numbers to float rounding).

    Raises:
        ImportError: ``onnxruntime`` or ``onnx`` is not installed.
    """

    def __init__(self, net: nn.Module, num_threads: int = None):
        import onnx  # noqa: F401  (torch's exporter needs it)
        import onnxruntime
        self._ort = onnxruntime
        self.net = copy.deepcopy(net).eval().float()
        self.num_threads = int(num_threads or torch.get_num_threads())
        self._sessions: Dict[Tuple[int, int, int], object] = {}
        self._fallback = None

    @torch.no_grad()
    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        key = (x.dtype,) + tuple(x.shape[1:])  # uint8 input is fed as it is
        session = self._sessions.get(key)
        if session is None:
            session = self._sessions[key] = self._export(x)
        if session is self._torch:
            return self._fallback(x)
        out = session.run(None, {'x': x.detach().contiguous().numpy()})[0]
        return torch.from_numpy(out)

    _torch = object()  # marks a size that runs on the PyTorch fallback

    def _export(self, x: torch.Tensor):
        import warnings
        try:
            buf = io.BytesIO()
            with warnings.catch_warnings():
                warnings.simplefilter('ignore')
                torch.onnx.export(self.net, x[:1], buf, input_names=['x'],
                                  output_names=['y'], dynamic_axes={'x': {0: 'batch'},
                                                                    'y': {0: 'batch'}},
                                  opset_version=17, dynamo=False)
            opts = self._ort.SessionOptions()
            opts.intra_op_num_threads = self.num_threads
            opts.inter_op_num_threads = 1
            opts.graph_optimization_level = self._ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            opts.log_severity_level = 3  # errors only
            return self._ort.InferenceSession(buf.getvalue(), opts,
                                              providers=['CPUExecutionProvider'])
        except Exception:  # noqa: BLE001  (an unexportable net still runs, on torch)
            if self._fallback is None:
                self._fallback = FrozenCPUForward(self.net)
            return self._torch


def fast_cpu_forward(net: nn.Module, backend: str = 'auto'):
    """The fastest available CPU forward of ``net``.

    Args:
        net: as in :class:`FrozenCPUForward`.
        backend: ``'auto'`` (ONNX Runtime when installed, else TorchScript),
            ``'onnxruntime'`` (ImportError when not installed) or ``'torchscript'``.

    Returns:
        :class:`OnnxRuntimeForward` or :class:`FrozenCPUForward`.
    """
    if backend not in CPU_BACKENDS:
        raise ValueError(f'backend must be one of {CPU_BACKENDS}, got {backend!r}')
    if backend != 'torchscript':
        try:
            return OnnxRuntimeForward(net)
        except ImportError:
            if backend == 'onnxruntime':
                raise
    return FrozenCPUForward(net)
