"""GeM (generalized mean) pooling over every dimension after the channels."""
from typing import Tuple, Union

import torch
from mmpretrain.models.necks import GeneralizedMeanPooling

from mmsport.registry import MODELS


@MODELS.register_module()
class GeM(GeneralizedMeanPooling):
    """``mean(clamp(x, eps) ** p) ** (1 / p)`` over all dims after C; learnable p.

    p = 1 is average pooling; p -> inf approaches max pooling. Extends
    mmpretrain's :class:`GeneralizedMeanPooling` (which pools the last two dims
    with ``avg_pool2d`` only) to any ``(B, C, *)`` input, e.g. (B, C, H, W) or
    (B, C, T, H, W). The power is computed in float32, so it is AMP-safe:
    ``x ** p`` of fp16 activations overflows quickly.

    Args:
        p: initial exponent (>= 1); the seed uses 3.
        eps: lower clamp of the input (keeps the power real and differentiable).
        clamp: whether to clamp at ``eps`` before the power.
        p_trainable: whether p is learned.
    """

    def __init__(self, p: float = 3.0, eps: float = 1e-6, clamp: bool = True,
                 p_trainable: bool = True):
        super().__init__(p=p, eps=eps, clamp=clamp, p_trainable=p_trainable)

    def forward(self, inputs: Union[torch.Tensor, Tuple[torch.Tensor, ...]]
                ) -> Union[torch.Tensor, Tuple[torch.Tensor, ...]]:
        """inputs: (B, C, *) or a tuple of them; returns (B, C) float32 (or a tuple)."""
        if isinstance(inputs, tuple):
            return tuple(self._pool(x) for x in inputs)
        if isinstance(inputs, torch.Tensor):
            return self._pool(inputs)
        raise TypeError(f'GeM inputs must be a tensor or a tuple, got {type(inputs)}')

    def _pool(self, x: torch.Tensor) -> torch.Tensor:
        p = self.p.float()
        x = x.float().flatten(2)  # (B, C, N)
        if self.clamp:
            x = x.clamp(min=self.eps)
        return x.pow(p).mean(-1).pow(1.0 / p)  # (B, C)

    def extra_repr(self) -> str:
        return f'p={self.p.item():.4f}, eps={self.eps}'
