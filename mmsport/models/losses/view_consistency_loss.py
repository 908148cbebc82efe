"""Cross-view consistency loss for multi-view (side + top) re-identification fine-tuning."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from mmsport.registry import MODELS


@MODELS.register_module()
class ViewConsistencyLoss(nn.Module):
    """Pull the side-view and top-view centroids of each identity together.

    For every identity of the batch seen from both views, the unit-norm mean
    embedding of its side crops and of its top crops are compared::

        loss = mean_over_such_identities(1 - cos(mean_side, mean_top))

    Samples with a label < 0 are ignored. A batch with no identity seen from
    both views gives a zero that keeps the graph.

    Args:
        loss_weight: multiplier of the loss.
    """

    def __init__(self, loss_weight: float = 1.0):
        super().__init__()
        self.loss_weight = loss_weight

    def forward(self, feats: torch.Tensor, labels: torch.Tensor,
                is_top: torch.Tensor) -> torch.Tensor:
        """feats: (B, D); labels: (B,) long; is_top: (B,) bool. Returns a scalar."""
        valid = labels >= 0  # (B,)
        if not bool(valid.any()):
            return feats.sum() * 0.0
        uniq, inv = torch.unique(labels[valid], return_inverse=True)  # (U,), (B',)
        f = F.normalize(feats[valid].float(), dim=1)  # (B', D)
        view = is_top[valid].long()  # (B',)
        slot = inv * 2 + view  # (B',) one slot per (identity, view)
        sums = f.new_zeros(len(uniq) * 2, f.shape[1]).index_add_(0, slot, f)  # (2U, D)
        counts = torch.bincount(slot, minlength=len(uniq) * 2).view(-1, 2)  # (U, 2)
        both = (counts > 0).all(1)  # (U,)
        if not bool(both.any()):
            return feats.sum() * 0.0
        cents = F.normalize(sums.view(len(uniq), 2, -1)[both], dim=2)  # (U', 2, D)
        cos = (cents[:, 0] * cents[:, 1]).sum(1)  # (U',)
        return self.loss_weight * (1.0 - cos).mean()
