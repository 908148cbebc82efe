"""ViewConsistencyLoss against a per-identity loop."""
import torch
import torch.nn.functional as F

from mmsport.models.losses import ViewConsistencyLoss


def _reference(feats, labels, is_top):
    vals = []
    for u in labels.unique():
        if u < 0:
            continue
        side = feats[(labels == u) & ~is_top]
        top = feats[(labels == u) & is_top]
        if len(side) and len(top):
            a = F.normalize(F.normalize(side, dim=1).mean(0), dim=0)
            b = F.normalize(F.normalize(top, dim=1).mean(0), dim=0)
            vals.append(1 - (a * b).sum())
    return torch.stack(vals).mean()


def test_matches_loop_and_ignores_single_view_and_negatives():
    torch.manual_seed(0)
    feats = torch.randn(12, 8, requires_grad=True)
    labels = torch.tensor([0, 0, 0, 1, 1, 2, 2, 2, -1, -1, 3, 3])
    is_top = torch.tensor([0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 1, 1], dtype=torch.bool)
    loss = ViewConsistencyLoss(loss_weight=2.0)(feats, labels, is_top)
    assert torch.allclose(loss, 2.0 * _reference(feats, labels, is_top), atol=1e-6)
    loss.backward()
    assert feats.grad[3:5].abs().sum() == 0  # identity 1: side only
    assert feats.grad[8:10].abs().sum() == 0  # negatives


def test_zero_when_views_agree_or_absent():
    f = torch.randn(4, 8, requires_grad=True)
    same = torch.cat([f[:2], f[:2]])
    loss = ViewConsistencyLoss()(same, torch.tensor([0, 1, 0, 1]),
                                 torch.tensor([False, False, True, True]))
    assert abs(loss.item()) < 1e-6
    none = ViewConsistencyLoss()(f, torch.tensor([0, 0, 1, 1]), torch.zeros(4, dtype=torch.bool))
    assert none.item() == 0 and none.requires_grad
