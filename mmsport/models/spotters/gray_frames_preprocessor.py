"""Data preprocessor for windows of grayscale frames: uint8 on the host, float on the device."""
from typing import Optional

import torch
from mmengine.model import ImgDataPreprocessor

from mmsport.registry import MODELS


@MODELS.register_module()
class GrayFramesPreprocessor(ImgDataPreprocessor):
    """Move (T, H, W) uint8 windows to the device, then ``(x - mean) / std`` there.

    mmengine's :class:`ImgDataPreprocessor` with one scalar mean/std shared by
    every frame (the T frames are its "channels"). ``cast_data`` moves the
    uint8 batch first and the float conversion runs on the device, so the
    host sends 4x fewer bytes. Default: x / 255, as in the seed.

    Args:
        mean: scalar subtracted from every pixel (0..255 scale).
        std: scalar divisor (0..255 scale).
        pad_size_divisor: pad H and W up to a multiple of this (bottom/right).
        pad_value: padding value, in the normalized scale.
        non_blocking: non-blocking host-to-device copies.
        augment: training-time augmentation applied to the batch *on the device*
            (so a GPU does it, not the data workers), e.g.
            ``dict(flip_prob=0.5, brightness=0.1, contrast=0.1)``: per window, a
            left-right flip with probability ``flip_prob``, ``x * c + b`` with
            ``c ~ U(1 - contrast, 1 + contrast)`` around the window mean and
            ``b ~ U(-brightness, brightness)`` (normalized scale). Vectorised
            over the batch; nothing happens at validation/test time. None: off.

    Inputs: a list of (T, H, W) tensors or a (B, T, H, W) tensor; output
    ``inputs`` is (B, T, H', W') float32.
    """

    def __init__(self, mean: float = 0.0, std: float = 255.0, pad_size_divisor: int = 1,
                 pad_value: float = 0.0, non_blocking: bool = False,
                 augment: Optional[dict] = None):
        super().__init__(mean=[float(mean)], std=[float(std)],
                         pad_size_divisor=pad_size_divisor, pad_value=pad_value,
                         non_blocking=non_blocking)
        self.augment = {**dict(flip_prob=0.0, brightness=0.0, contrast=0.0), **(augment or {})}

    def forward(self, data: dict, training: bool = False) -> dict:
        data = super().forward(data, training)
        if training and any(self.augment.values()):
            data['inputs'] = self._augment(data['inputs'])
        return data

    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        """x: (B, T, H, W) float on the device; same shape back."""
        b = x.shape[0]
        shape = (b, ) + (1, ) * (x.dim() - 1)
        rand = torch.rand(3, b, device=x.device, dtype=x.dtype)  # (3, B)
        flip = (rand[0] < self.augment['flip_prob']).view(shape)
        x = torch.where(flip, x.flip(-1), x)
        if not (self.augment['contrast'] or self.augment['brightness']):
            return x
        c = 1 + self.augment['contrast'] * (2 * rand[1] - 1)  # (B,)
        shift = self.augment['brightness'] * (2 * rand[2] - 1)  # (B,)
        mean = x.mean(dim=tuple(range(1, x.dim())), keepdim=True)  # (B, 1, 1, 1)
        return (x - mean) * c.view(shape) + mean + shift.view(shape)
