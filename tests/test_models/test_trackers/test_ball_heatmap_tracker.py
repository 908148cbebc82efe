import numpy as np
import torch
from mmengine.structures import BaseDataElement

from mmsport.registry import MODELS


def _model():
    return MODELS.build(dict(
        type='BallHeatmapTracker',
        backbone=dict(type='BallUNet', in_channels=9, channels=(4, 8, 16)),
        codec=dict(type='BallHeatmapCodec', sigma=1.5, vis_thr=0.5),
        loss=dict(type='WeightedBCEHeatmapLoss'), test_cfg=dict(keep_heatmap=True)))


def _batch(n=2, h=24, w=40):
    inputs = [torch.randint(0, 255, (9, h, w), dtype=torch.uint8) for _ in range(n)]
    samples = []
    for _ in range(n):
        s = BaseDataElement(metainfo=dict(key='game1/clip1', frame_idx=0, full_size=(160, 96)))
        s.gt_heatmap = torch.rand(h, w)
        s.gt_ball = np.array([1.0, 10.0, 10.0])
        samples.append(s)
    return dict(inputs=inputs, data_samples=samples)


def test_train_step_reduces_loss_on_a_fixed_batch():
    model = _model()
    from mmengine.optim import OptimWrapper
    ow = OptimWrapper(torch.optim.Adam(model.parameters(), lr=1e-2))
    batch = _batch()
    first = model.train_step(batch, ow)['loss_heatmap'].item()
    for _ in range(15):
        last = model.train_step(batch, ow)['loss_heatmap'].item()
    assert last < first


def test_predict_fills_ball_score_and_heatmap():
    model = _model().eval()
    out = model.test_step(_batch())
    assert len(out) == 2
    for s in out:
        assert s.pred_ball.shape == (3,)
        assert s.pred_heatmap.shape == (24, 40)
        assert 0 <= s.pred_score <= 1
        if s.pred_ball[0]:
            assert 0 <= s.pred_ball[1] < 160 and 0 <= s.pred_ball[2] < 96


def test_preprocessor_scales_uint8():
    pre = MODELS.build(dict(type='BallStackPreprocessor'))
    x = torch.full((6, 2, 2), 255, dtype=torch.uint8)
    out = pre(dict(inputs=[x]))['inputs']
    assert out.shape == (1, 6, 2, 2) and torch.allclose(out, torch.ones_like(out))
    pre = MODELS.build(dict(type='BallStackPreprocessor', mean=[0, 100, 200], std=[1, 2, 4]))
    x = torch.tensor([200.0]).repeat(6, 1, 1).to(torch.uint8)
    out = pre(dict(inputs=[x]))['inputs'][0, :, 0, 0]
    torch.testing.assert_close(out, torch.tensor([200., 50., 0., 200., 50., 0.]))
