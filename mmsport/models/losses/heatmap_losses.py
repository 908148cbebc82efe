"""Heatmap losses for ball tracking: the seed's soft IoU and TrackNet's weighted BCE."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from mmsport.registry import MODELS


@MODELS.register_module()
class SoftIoUHeatmapLoss(nn.Module):
    """``1 - sum(p*t) / (sum(p) + sum(t) - sum(p*t))``, per sample, then averaged.

    The seed computes one IoU over the whole batch; per-sample IoU keeps
    empty-target samples (no ball) from being swamped by the others, and the
    ``eps`` makes an all-empty pair score 0 loss instead of NaN.

    Args:
        loss_weight: multiplier.
        eps: smoothing added to numerator and denominator.
    """

    def __init__(self, loss_weight: float = 1.0, eps: float = 1.0):
        super().__init__()
        self.loss_weight = loss_weight
        self.eps = eps

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """logits, target: (B, H, W); returns a scalar."""
        p = logits.float().sigmoid().flatten(1)
        t = target.float().flatten(1)
        inter = (p * t).sum(1)
        union = p.sum(1) + t.sum(1) - inter
        iou = (inter + self.eps) / (union + self.eps)
        return self.loss_weight * (1 - iou).mean()


@MODELS.register_module()
class WeightedBCEHeatmapLoss(nn.Module):
    """TrackNetV2's weighted BCE: ``-(1-p)^2 t log p - p^2 (1-t) log(1-p)``.

    Computed from logits with ``F.logsigmoid`` for numerical stability (AMP-safe).

    Args:
        loss_weight: multiplier.
        gamma: the focusing exponent (2 in TrackNetV2).
    """

    def __init__(self, loss_weight: float = 1.0, gamma: float = 2.0):
        super().__init__()
        self.loss_weight = loss_weight
        self.gamma = gamma

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """logits, target: (B, H, W); returns a scalar."""
        logits, t = logits.float(), target.float()
        p = logits.sigmoid()
        loss = -((1 - p) ** self.gamma * t * F.logsigmoid(logits)
                 + p ** self.gamma * (1 - t) * F.logsigmoid(-logits))
        return self.loss_weight * loss.mean()
