import torch
from mmaction.structures import ActionDataSample

from mmsport.models.spotters import EarlyFusion2D
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


def test_pretrained_rgb_stem_is_tiled_over_the_frames(tmp_path):
    source = MODELS.build(dict(type='EfficientNetV2', arch='b0', init_cfg=None,
                               _scope_='mmpretrain'))  # an "ImageNet" RGB backbone
    path = str(tmp_path / 'b0.pth')
    torch.save(dict(state_dict={f'backbone.{k}': v for k, v in source.state_dict().items()}),
               path)
    model = EarlyFusion2D(num_frames=15, pretrained_2d=path)
    model.init_weights()
    src = source.state_dict()
    for k, v in model.encoder_2d.state_dict().items():
        if k != 'layers.0.conv.weight':
            assert torch.equal(v, src[k]), k
    stem, rgb_stem = model.encoder_2d.layers[0], source.layers[0]
    assert torch.allclose(stem.conv.weight, src['layers.0.conv.weight'].repeat(1, 5, 1, 1) / 5)
    gray = torch.rand(2, 1, 32, 32)  # 15 copies of a frame == that frame as RGB
    stem.eval(), rgb_stem.eval()
    with torch.no_grad():
        torch.testing.assert_close(stem(gray.expand(-1, 15, -1, -1)),
                                   rgb_stem(gray.expand(-1, 3, -1, -1)))
    off = EarlyFusion2D(num_frames=15, pretrained_2d=path, adapt_stem=False)
    before = off.encoder_2d.layers[0].conv.weight.clone()
    off.init_weights()  # the 3-channel stem does not fit: left as initialised
    assert torch.equal(off.encoder_2d.layers[0].conv.weight, before)
