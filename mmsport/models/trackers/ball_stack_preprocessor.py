"""Data preprocessor for frame stacks: uint8 on the host, float on the device."""
from typing import Optional, Sequence

import torch
from mmengine.model import BaseDataPreprocessor

from mmsport.registry import MODELS


@MODELS.register_module()
class BallStackPreprocessor(BaseDataPreprocessor):
    """Stack ``(3*S, H, W)`` uint8 inputs, move them to the device, then scale.

    The uint8 -> float conversion happens after the transfer, so the host sends
    4x fewer bytes to a GPU.

    Args:
        mean, std: optional per-channel-of-a-frame (3 values, BGR) statistics
            in 0..255; applied to every frame of the stack. Default: x / 255.
    """

    def __init__(self, mean: Optional[Sequence[float]] = None,
                 std: Optional[Sequence[float]] = None):
        super().__init__()
        mean = [0.0, 0.0, 0.0] if mean is None else list(mean)
        std = [255.0, 255.0, 255.0] if std is None else list(std)
        self.register_buffer('mean', torch.tensor(mean).view(1, 3, 1, 1, 1), False)
        self.register_buffer('std', torch.tensor(std).view(1, 3, 1, 1, 1), False)

    def channel_scale(self, channels: int) -> Optional[torch.Tensor]:
        """The (C,) factors of a ``channels``-channel stack when the preprocessing is a pure
        scaling (a zero mean, the default ``x / 255``), else None (a shift cannot be folded
        into a zero-padded convolution exactly)."""
        if bool(self.mean.any()):
            return None
        return (1.0 / self.std).view(3).repeat(channels // 3)

    def forward(self, data: dict, training: bool = False) -> dict:
        """``inputs``: (B, 3*S, H, W) uint8 (or a list of (3*S, H, W)) -> (B, 3*S, H, W)
        float ``(x - mean) / std``, computed as ``x * (1 / std) - mean / std`` in place on
        the one float copy (two passes over the batch, no transposed copies)."""
        data = self.cast_data(data)
        inputs = data['inputs']
        if isinstance(inputs, (list, tuple)):
            inputs = torch.stack(list(inputs))
        b, c, h, w = inputs.shape  # (B, 3*S, H, W)
        scale = (1.0 / self.std).view(3).repeat(c // 3).view(1, c, 1, 1)  # frame-major
        bias = (-self.mean / self.std).view(3).repeat(c // 3).view(1, c, 1, 1)
        x = inputs.to(torch.float32).mul_(scale)
        if bool(bias.any()):
            x.add_(bias)
        return dict(inputs=x, data_samples=data.get('data_samples'))
