"""Data preprocessor for windows of grayscale frames: uint8 on the host, float on the device."""
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

    Inputs: a list of (T, H, W) tensors or a (B, T, H, W) tensor; output
    ``inputs`` is (B, T, H', W') float32.
    """

    def __init__(self, mean: float = 0.0, std: float = 255.0, pad_size_divisor: int = 1,
                 pad_value: float = 0.0, non_blocking: bool = False):
        super().__init__(mean=[float(mean)], std=[float(std)],
                         pad_size_divisor=pad_size_divisor, pad_value=pad_value,
                         non_blocking=non_blocking)
