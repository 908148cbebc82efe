import os

import pytest
import torch
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.optim import OptimWrapper

from mmsport.models.spotters import ViViTSpotter, tube_mask
from mmsport.registry import MODELS

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
TINY_ARCH = {'embed_dims': 32, 'num_layers': 2, 'num_heads': 2, 'feedforward_channels': 64}
TINY_SPATIAL = dict(type='VisionTransformer', arch=TINY_ARCH, img_size=32, patch_size=16,
                    out_type='cls_token', _scope_='mmpretrain')
T, C, D = 6, 3, 32


def _model(**kwargs):
    torch.manual_seed(0)
    cfg = dict(type='ViViTSpotter', num_classes=C, num_timesteps=8, spatial_encoder=TINY_SPATIAL,
               temporal_depth=2, temporal_num_heads=2)
    cfg.update(kwargs)
    return MODELS.build(cfg)


def _batch(n=2, t=T, num_classes=C, teacher_dim=None, labels=True, seed=0):
    g = torch.Generator().manual_seed(seed)
    inputs = [torch.randint(0, 256, (t, 3, 32, 32), dtype=torch.uint8, generator=g)
              for _ in range(n)]
    samples = []
    for _ in range(n):
        sample = ActionDataSample()
        if labels:
            sample.set_gt_label((torch.rand(t, num_classes, generator=g) < 0.3).float())
        if teacher_dim:
            sample.gt_features = torch.randn(t, teacher_dim, generator=g)
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)


# ---------------------------------------------------------------- tube_mask
@pytest.mark.parametrize('t,ratio,tube,expected', [(128, 0.25, 2, 32), (6, 0.25, 2, 2),
                                                   (7, 0.5, 2, 4), (12, 0.25, 3, 3),
                                                   (10, 0.0, 2, 0), (10, 1.0, 2, 10),
                                                   (9, 1.0, 2, 8), (16, 0.3, 1, 5)])
def test_tube_mask_exact_counts(t, ratio, tube, expected):
    mask = tube_mask(16, t, ratio, tube, generator=torch.Generator().manual_seed(1))
    assert mask.shape == (16, t) and mask.dtype == torch.bool
    assert (mask.sum(1) == expected).all()


def test_tube_mask_tubes_contiguous_aligned_and_random():
    b, t, tube = 32, 31, 2
    mask = tube_mask(b, t, 0.25, tube, generator=torch.Generator().manual_seed(0))
    n = t // tube
    tubes = mask[:, :n * tube].view(b, n, tube)
    assert (tubes.all(-1) == tubes.any(-1)).all()  # a tube is fully masked or not at all
    assert not mask[:, n * tube:].any()  # the partial trailing tube is never masked
    assert len({tuple(row.tolist()) for row in mask}) > b // 2  # differs per sample


def test_tube_mask_deterministic_with_generator():
    def draw(seed):
        return tube_mask(4, 20, 0.25, 2, generator=torch.Generator().manual_seed(seed))
    assert torch.equal(draw(3), draw(3))
    assert not torch.equal(draw(3), draw(4))
    with pytest.raises(ValueError):
        tube_mask(2, 8, 1.5, 2)
    with pytest.raises(ValueError):
        tube_mask(2, 8, 0.25, 0)


# ---------------------------------------------------------------- model
def test_builds_mmpretrain_parts():
    from mmaction.models import ActionDataPreprocessor
    from mmpretrain.models.backbones import VisionTransformer
    from mmpretrain.models.backbones.vision_transformer import TransformerEncoderLayer
    from mmpretrain.models.losses import CrossEntropyLoss
    model = _model()
    assert isinstance(model.spatial_encoder, VisionTransformer)
    assert model.embed_dims == D and model.spatial_encoder.out_type == 'cls_token'
    assert all(isinstance(m, TransformerEncoderLayer) for m in model.temporal_layers)
    assert len(model.temporal_layers) == 2 and model.temporal_pos_embed.shape == (1, 8, D)
    assert isinstance(model.loss_module, CrossEntropyLoss) and model.loss_module.use_sigmoid
    assert isinstance(model.data_preprocessor, ActionDataPreprocessor)
    assert model.distill_head is None


def test_shapes_of_all_modes():
    model = _model(distill_dim=5).eval()
    data = model.data_preprocessor(_batch(n=2))
    x = data['inputs']
    assert x.shape == (2, T, 3, 32, 32) and x.dtype == torch.float32
    with torch.no_grad():
        frames = model.extract_frame_features(x)
        assert frames.shape == (2, T, D)
        assert model.forward_temporal(frames).shape == (2, T, D)
        assert model.forward_temporal(frames, torch.ones(2, T, dtype=torch.bool)).shape == \
            (2, T, D)
        logits = model(x)
        assert logits.shape == (2, T, C)
        samples = model(x, data['data_samples'], mode='predict')
        assert len(samples) == 2 and samples[0].pred_score.shape == (T, C)
        torch.testing.assert_close(samples[1].pred_score, logits[1].sigmoid())
        assert model(x[:, :4]).shape == (2, 4, C)  # shorter windows use the first positions
        losses = model(x, data['data_samples'], mode='loss')
    assert set(losses) == {'loss_cls'} and losses['loss_cls'].dim() == 0
    with pytest.raises(ValueError):
        model(torch.rand(1, 9, 3, 32, 32))  # more than num_timesteps
    with pytest.raises(RuntimeError):
        model(x, mode='bad')


def test_preprocessor_normalises_rgb_frames_per_channel():
    model = _model()
    batch = _batch(n=2)
    x = model.data_preprocessor(batch)['inputs']
    mean = torch.tensor([123.675, 116.28, 103.53]).view(3, 1, 1)
    std = torch.tensor([58.395, 57.12, 57.375]).view(3, 1, 1)
    torch.testing.assert_close(x[1], (batch['inputs'][1].float() - mean) / std)


def test_masked_tokens_are_the_mask_token_before_the_temporal_encoder():
    model = _model().eval()  # no dropout; the mask is given explicitly
    x = torch.randn(2, T, 3, 32, 32)
    mask = tube_mask(2, T, 0.34, 2, generator=torch.Generator().manual_seed(0))
    assert (mask.sum(1) == 2).all()
    seen = []
    hook = model.temporal_layers[0].register_forward_pre_hook(
        lambda mod, args: seen.append(args[0].detach().clone()))
    with torch.no_grad():
        out = model.forward_features(x, mask)
        frames = model.extract_frame_features(x)
    hook.remove()
    tokens = seen[0] - model.temporal_pos_embed[:, :T]  # the encoder input, minus positions
    torch.testing.assert_close(tokens[mask], model.mask_token[0].expand(4, D))
    torch.testing.assert_close(tokens[~mask], frames[~mask], rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(model.apply_mask(frames, mask)[mask],
                               model.mask_token[0].expand(4, D))
    # masked frames are not encoded: their pixels do not change the output
    x2 = x.clone()
    x2[mask] = torch.randn_like(x2[mask])
    with torch.no_grad():
        torch.testing.assert_close(model.forward_features(x2, mask), out)


def test_training_loss_masks_tubes_and_eval_does_not():
    model = _model()
    masks = []
    orig = model.sample_mask
    model.sample_mask = lambda inputs: masks.append(orig(inputs)) or masks[-1]
    data = model.data_preprocessor(_batch(n=3))
    model.train()
    model(data['inputs'], data['data_samples'], mode='loss')
    assert masks[-1].shape == (3, T) and (masks[-1].sum(1) == 2).all()
    model.eval()
    model(data['inputs'], data['data_samples'], mode='loss')
    assert masks[-1] is None
    assert _model(mask_ratio=0.0).train().sample_mask(data['inputs']) is None


def test_loss_finite_and_backward():
    model = _model().train()
    data = model.data_preprocessor(_batch(n=2), training=True)
    losses = model(data['inputs'], data['data_samples'], mode='loss')
    assert torch.isfinite(losses['loss_cls'])
    losses['loss_cls'].backward()
    for p in (model.mask_token, model.temporal_pos_embed, model.fc_cls.weight,
              model.spatial_encoder.patch_embed.projection.weight,
              model.temporal_layers[0].attn.qkv.weight):
        assert p.grad is not None and torch.isfinite(p.grad).all() and p.grad.abs().sum() > 0


def test_one_sgd_step_lowers_the_loss():
    model = _model()
    data = _batch(n=4, seed=1)
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))

    def eval_loss():
        model.eval()
        with torch.no_grad():
            d = model.data_preprocessor(data)
            return model(d['inputs'], d['data_samples'], mode='loss')['loss_cls'].item()

    before = eval_loss()
    model.train()
    log = model.train_step(data, optim)  # masked training forward + SGD step
    assert torch.isfinite(log['loss'])
    assert eval_loss() < before


def test_focal_loss_option_and_single_class():
    from mmpretrain.models.losses import FocalLoss
    model = _model(num_classes=1, loss=dict(type='FocalLoss', _scope_='mmpretrain')).eval()
    assert isinstance(model.loss_module, FocalLoss)
    data = model.data_preprocessor(_batch(n=2, num_classes=1))
    loss = model(data['inputs'], data['data_samples'], mode='loss')['loss_cls']
    assert torch.isfinite(loss) and loss.dim() == 0
    bad = model.data_preprocessor(_batch(n=2, num_classes=2))
    with pytest.raises(ValueError):
        model(bad['inputs'], bad['data_samples'], mode='loss')


def test_distill_loss_only_with_gt_features():
    model = _model(distill_dim=5).train()
    assert model.distill_head.out_features == 5
    plain = model.data_preprocessor(_batch(n=2))
    assert set(model(plain['inputs'], plain['data_samples'], mode='loss')) == {'loss_cls'}
    both = model.data_preprocessor(_batch(n=2, teacher_dim=5))
    losses = model(both['inputs'], both['data_samples'], mode='loss')
    assert set(losses) == {'loss_cls', 'loss_distill'}
    assert torch.isfinite(losses['loss_distill'])
    losses['loss_distill'].backward()
    assert model.distill_head.weight.grad is not None and model.mask_token.grad is not None
    only = model.data_preprocessor(_batch(n=2, teacher_dim=5, labels=False))
    assert set(model(only['inputs'], only['data_samples'], mode='loss')) == {'loss_distill'}
    with pytest.raises(ValueError):  # teacher features need a distill head
        _model()(both['inputs'], both['data_samples'], mode='loss')
    with pytest.raises(ValueError):  # nothing to learn from
        empty = model.data_preprocessor(_batch(n=2, labels=False))
        model(empty['inputs'], empty['data_samples'], mode='loss')


@pytest.mark.parametrize('kind', ['mse', 'smooth_l1'])
def test_distill_loss_weights_masked_and_unmasked(kind):
    model = _model(distill_dim=4, distill_loss=kind, distill_masked_weight=2.0,
                   distill_unmasked_weight=0.5)
    g = torch.Generator().manual_seed(0)
    pred, target = torch.randn(2, T, 4, generator=g), torch.randn(2, T, 4, generator=g)
    samples = [ActionDataSample(gt_features=t) for t in target]
    mask = tube_mask(2, T, 0.34, 2, generator=g)
    fn = torch.nn.functional.mse_loss if kind == 'mse' else torch.nn.functional.smooth_l1_loss
    err = fn(pred, target, reduction='none').mean(-1)  # (B, T)
    expected = 2.0 * err[mask].mean() + 0.5 * err[~mask].mean()
    torch.testing.assert_close(model.loss_distill(pred, samples, mask), expected)
    torch.testing.assert_close(model.loss_distill(pred, samples), 0.5 * err.mean())


def test_pretrained_spatial_is_loaded_by_init_weights(tmp_path):
    src = _model()
    state = {'backbone.' + k: v for k, v in src.spatial_encoder.state_dict().items()}
    path = str(tmp_path / 'ssl.pth')
    torch.save(dict(state_dict=state), path)
    torch.manual_seed(1)
    model = MODELS.build(dict(type='ViViTSpotter', num_classes=C, num_timesteps=8,
                              spatial_encoder=TINY_SPATIAL, temporal_depth=1,
                              temporal_num_heads=2, pretrained_spatial=path))
    key = 'patch_embed.projection.weight'
    assert not torch.equal(model.spatial_encoder.state_dict()[key], state['backbone.' + key])
    model.init_weights()
    for k, v in model.spatial_encoder.state_dict().items():
        torch.testing.assert_close(v, state['backbone.' + k])


def test_base_config_builds():
    from mmpretrain.models.backbones import VisionTransformer
    cfg = Config.fromfile(os.path.join(REPO, 'configs/_base_/models/vivit_tiny_spotter.py'))
    model = MODELS.build(cfg.model)  # default_scope 'mmsport' (tests/conftest.py)
    assert isinstance(model, ViViTSpotter)
    assert type(model.spatial_encoder) is VisionTransformer
    assert model.spatial_encoder.embed_dims == 192 and model.spatial_encoder.num_layers == 12
    assert model.spatial_encoder.patch_resolution == (14, 14)
    assert len(model.temporal_layers) == 6 and model.temporal_pos_embed.shape == (1, 128, 192)
    assert model.fc_cls.out_features == 17
    assert (model.mask_ratio, model.mask_tube) == (0.25, 2)


def test_freeze_trunk_trains_the_classifier_only():
    model = _model(freeze_trunk=True, distill_dim=4)
    model.train()
    assert not model.spatial_encoder.training and not model.temporal_layers.training
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert trainable == {'fc_cls.weight', 'fc_cls.bias'}
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    optim = OptimWrapper(torch.optim.SGD([p for p in model.parameters() if p.requires_grad],
                                         lr=0.5))
    model.train_step(_batch(), optim)
    changed = {n for n, p in model.named_parameters() if not torch.equal(p, before[n])}
    assert changed == {'fc_cls.weight', 'fc_cls.bias'}
