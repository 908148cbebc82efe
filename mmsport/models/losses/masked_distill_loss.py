"""Feature distillation loss of masked-token training (COMEDIAN stage 2)."""
from typing import Optional

import torch
import torch.nn.functional as F


def masked_distill_loss(pred: torch.Tensor, target: torch.Tensor,
                        mask: Optional[torch.Tensor] = None, kind: str = 'mse',
                        beta: float = 1.0, masked_weight: float = 1.0,
                        unmasked_weight: float = 1.0) -> torch.Tensor:
    """Regression of teacher features, averaged separately over masked and unmasked timesteps.

    Args:
        pred: (B, T, F) student features.
        target: (B, T, F) teacher features.
        mask: (B, T) bool, True = masked; None: every timestep is unmasked.
        kind: 'mse' or 'smooth_l1' (element-wise, then mean over F).
        beta: smooth-L1 beta.
        masked_weight / unmasked_weight: weights of the two means.

    Returns:
        ``masked_weight * mean over masked timesteps + unmasked_weight * mean over
        unmasked timesteps`` of the per-timestep error (float32); a group without
        timesteps contributes 0.
    """
    pred, target = pred.float(), target.to(device=pred.device, dtype=torch.float32)
    if kind == 'mse':
        err = F.mse_loss(pred, target, reduction='none')
    elif kind == 'smooth_l1':
        err = F.smooth_l1_loss(pred, target, reduction='none', beta=beta)
    else:
        raise ValueError(f"kind must be 'mse' or 'smooth_l1', got {kind!r}")
    err = err.mean(dim=-1)  # (B, T)
    masked = (torch.zeros_like(err) if mask is None else mask.to(err.device).float())
    unmasked = 1.0 - masked
    loss_m = (err * masked).sum() / masked.sum().clamp(min=1.0)
    loss_u = (err * unmasked).sum() / unmasked.sum().clamp(min=1.0)
    return masked_weight * loss_m + unmasked_weight * loss_u
