import torch
import torch.nn.functional as F

from mmsport.models.losses import SoftIoUHeatmapLoss, WeightedBCEHeatmapLoss


def test_soft_iou_matches_formula():
    logits = torch.randn(3, 5, 7)
    target = torch.rand(3, 5, 7)
    p = logits.sigmoid()
    inter = (p * target).flatten(1).sum(1)
    union = p.flatten(1).sum(1) + target.flatten(1).sum(1) - inter
    expected = (1 - (inter + 1) / (union + 1)).mean()
    got = SoftIoUHeatmapLoss(eps=1.0)(logits, target)
    torch.testing.assert_close(got, expected)


def test_soft_iou_empty_target_is_finite_and_pushes_down():
    logits = torch.zeros(2, 4, 4, requires_grad=True)
    loss = SoftIoUHeatmapLoss()(logits, torch.zeros(2, 4, 4))
    loss.backward()
    assert torch.isfinite(loss) and (logits.grad > 0).all()


def test_weighted_bce_matches_tracknet_formula():
    logits = torch.randn(2, 6, 6)
    t = (torch.rand(2, 6, 6) > 0.8).float()
    p = logits.sigmoid()
    expected = -((1 - p) ** 2 * t * torch.log(p) + p ** 2 * (1 - t) * torch.log(1 - p)).mean()
    torch.testing.assert_close(WeightedBCEHeatmapLoss()(logits, t), expected)
    # gamma = 0 is plain BCE
    torch.testing.assert_close(WeightedBCEHeatmapLoss(gamma=0)(logits, t),
                               F.binary_cross_entropy_with_logits(logits, t))
