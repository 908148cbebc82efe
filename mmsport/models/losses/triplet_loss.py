"""Batch-hard triplet loss (Hermans et al., 2017) for metric learning on P x K batches."""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmsport.registry import MODELS


def pairwise_euclidean(x: torch.Tensor) -> torch.Tensor:
    """(B, D) -> (B, B) Euclidean distances, safe to backpropagate at zero distance."""
    sq = (x * x).sum(1)  # (B,)
    d2 = sq[:, None] + sq[None, :] - 2.0 * x @ x.t()  # (B, B)
    # clamp: round-off can make d2 slightly negative; its gradient is 0 below 1e-12,
    # so identical samples (the diagonal, duplicated fillers) never produce NaN.
    return d2.clamp(min=1e-12).sqrt()


@MODELS.register_module()
class BatchHardTripletLoss(nn.Module):
    """Batch-hard triplet loss: for each anchor, the farthest positive and the
    nearest negative of the batch::

        loss_i = max(0, max_{p: y_p = y_i} d(i, p) - min_{n: y_n != y_i} d(i, n) + margin)

    averaged over the *valid* anchors, those with at least one positive and one
    negative in the batch. ``margin=None`` uses the soft margin
    ``softplus(d_ap - d_an)``. Labels < 0 mark samples without an identity
    (background / negative crops): they are never a positive (not even of each
    other), are a negative of every anchor, and are never anchors themselves.

    Fully vectorised (a (B, B) distance matrix and masks); computed in float32
    at least, so it is AMP-safe.

    Args:
        margin: hinge margin; None for the soft margin.
        loss_weight: multiplier of the loss.
        normalize_feature: L2-normalise the features before the distances.
    """

    def __init__(self, margin: Optional[float] = 0.3, loss_weight: float = 1.0,
                 normalize_feature: bool = True):
        super().__init__()
        self.margin = margin
        self.loss_weight = loss_weight
        self.normalize_feature = normalize_feature

    def forward(self, feats: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """feats: (B, D); labels: (B,) long. Returns a scalar (0 without valid anchor)."""
        if feats.dtype in (torch.float16, torch.bfloat16):
            feats = feats.float()
        if self.normalize_feature:
            feats = F.normalize(feats, dim=1)
        labels = labels.reshape(-1).to(feats.device)
        dist = pairwise_euclidean(feats)  # (B, B)

        same = labels[:, None] == labels[None, :]  # (B, B)
        eye = torch.eye(len(labels), dtype=torch.bool, device=feats.device)
        pos = same & ~eye & (labels >= 0)[:, None]  # (B, B)
        neg = ~same  # (B, B)
        valid = pos.any(1) & neg.any(1)  # (B,)

        # distances are >= 0, so 0 is a neutral fill for the max over positives
        d_ap = dist.masked_fill(~pos, 0.0).max(1).values  # (B,)
        d_an = dist.masked_fill(~neg, float('inf')).min(1).values  # (B,)
        if self.margin is None:
            per_anchor = F.softplus(d_ap - d_an)  # (B,)
        else:
            per_anchor = F.relu(d_ap - d_an + self.margin)  # (B,)
        # where(): anchors without a negative have d_an = inf (loss 0, zero grad)
        per_anchor = torch.where(valid, per_anchor, torch.zeros_like(per_anchor))
        loss = per_anchor.sum() / valid.sum().clamp(min=1)
        return self.loss_weight * loss
