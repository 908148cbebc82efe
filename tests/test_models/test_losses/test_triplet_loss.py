import pytest
import torch
import torch.nn.functional as F

from mmsport.models.losses import BatchHardTripletLoss
from mmsport.registry import MODELS


def naive_batch_hard(feats, labels, margin, normalize=True):
    """Per-anchor Python reference (labels < 0: never positive, never anchor)."""
    x = F.normalize(feats, dim=1) if normalize else feats
    losses = []
    for i in range(len(labels)):
        if labels[i] < 0:
            continue
        d_pos = [torch.norm(x[i] - x[j]) for j in range(len(labels))
                 if j != i and labels[j] == labels[i]]
        d_neg = [torch.norm(x[i] - x[j]) for j in range(len(labels)) if labels[j] != labels[i]]
        if not d_pos or not d_neg:
            continue
        z = max(d_pos) - min(d_neg)
        losses.append(F.softplus(z) if margin is None else torch.clamp(z + margin, min=0))
    return torch.stack(losses).mean() if losses else feats.new_zeros(())


@pytest.mark.parametrize('margin', [0.3, 1.5, None])
@pytest.mark.parametrize('normalize', [True, False])
def test_matches_naive_reference(margin, normalize):
    g = torch.Generator().manual_seed(0)
    feats = torch.randn(12, 16, generator=g, dtype=torch.float64)
    labels = torch.tensor([0, 0, 0, 1, 1, 2, 2, 2, 2, 3, -1, -1])  # 3: no positive
    loss = BatchHardTripletLoss(margin=margin, normalize_feature=normalize)(feats, labels)
    ref = naive_batch_hard(feats, labels, margin, normalize)
    assert abs(loss.item() - ref.item()) < 1e-6
    assert loss.item() > 0


def test_anchors_without_positive_are_excluded():
    torch.manual_seed(0)
    feats = torch.randn(6, 8)
    loss_fn = BatchHardTripletLoss(margin=0.3)
    labels = torch.tensor([0, 0, 1, 1, 2, 3])
    # the singletons 2 and 3 are negatives of the others but not anchors: the mean
    # is over the 4 valid anchors only
    x = F.normalize(feats, dim=1)
    d = torch.cdist(x, x)
    hinge = torch.stack([torch.clamp(d[i, i ^ 1] - d[i][labels != labels[i]].min() + 0.3, min=0)
                         for i in range(4)])  # anchors 0..3, positive i ^ 1
    torch.testing.assert_close(loss_fn(feats, labels), hinge.mean())
    # all-distinct labels (or all negatives): no valid anchor -> 0, graph kept
    x = torch.randn(4, 8, requires_grad=True)
    for labels in (torch.arange(4), torch.full((4,), -1), torch.zeros(4, dtype=torch.long)):
        loss = loss_fn(x, labels)  # zeros: positives but no negative
        assert loss.item() == 0.0 and loss.requires_grad
        loss.backward()
        assert torch.isfinite(x.grad).all()


def test_zero_when_margin_satisfied():
    # two tight clusters on opposite sides of the unit sphere
    feats = torch.tensor([[1.0, 0.01], [1.0, -0.01], [-1.0, 0.01], [-1.0, -0.01]])
    labels = torch.tensor([0, 0, 1, 1])
    assert BatchHardTripletLoss(margin=0.3)(feats, labels).item() == 0.0
    assert BatchHardTripletLoss(margin=None)(feats, labels).item() > 0  # soft: never 0


def test_gradient_flows_and_duplicates_are_finite():
    torch.manual_seed(0)
    feats = torch.randn(8, 4, requires_grad=True)
    dup = torch.cat([feats[:1], feats[:1], feats[1:7]])  # an exact duplicate pair
    labels = torch.tensor([0, 0, 0, 1, 1, 2, 2, -1])
    loss = MODELS.build(dict(type='BatchHardTripletLoss', margin=1.0, loss_weight=2.0))(
        dup, labels)
    loss.backward()
    assert torch.isfinite(feats.grad).all() and feats.grad.abs().sum() > 0


def test_half_precision_inputs():
    torch.manual_seed(0)
    feats = torch.randn(6, 8).half()
    loss = BatchHardTripletLoss()(feats, torch.tensor([0, 0, 1, 1, 2, 2]))
    assert loss.dtype == torch.float32 and torch.isfinite(loss)
