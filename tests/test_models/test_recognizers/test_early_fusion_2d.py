import torch
from mmaction.structures import ActionDataSample

from mmsport.models.recognizers import EarlyFusion2D
from mmsport.registry import MODELS


def _batch(n=2, t=15, size=64):
    inputs = [torch.randint(0, 256, (t, size, size), dtype=torch.uint8) for _ in range(n)]
    samples = [ActionDataSample().set_gt_label(torch.tensor([1.0, 0.0])) for _ in range(n)]
    return dict(inputs=inputs, data_samples=samples)


def test_all_frames_are_the_channels_of_one_2d_encoder():
    model = MODELS.build(dict(type='EarlyFusion2D', num_frames=15, num_classes=2))
    assert isinstance(model, EarlyFusion2D)
    assert model.encoder_2d.layers[0].conv.in_channels == 15
    assert model.fc.in_features == 1280
    model.eval()
    with torch.no_grad():
        assert model(torch.rand(2, 15, 64, 64)).shape == (2, 2)


def test_loss_and_predict_modes():
    model = EarlyFusion2D(num_frames=9, dropout=0.0)
    data = model.data_preprocessor(_batch(t=9), True)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_cls'} and losses['loss_cls'].dim() == 0
    assert torch.isfinite(model.train_step(_batch(t=9), _optim(model))['loss_cls'])
    model.eval()
    out = model.test_step(_batch(t=9))
    assert all(((s.pred_score >= 0) & (s.pred_score <= 1)).all() for s in out)
    assert out[0].pred_score.shape == (2, )


def _optim(model):
    from mmengine.optim import OptimWrapper
    return OptimWrapper(torch.optim.SGD(model.parameters(), lr=1e-3))
