import pytest
import torch
from mmaction.structures import ActionDataSample
from mmengine.optim import OptimWrapper

from mmsport.models.spotters import (SEED_PARAM_COUNT, GrayFramesPreprocessor,
                                        SlowFusionStacker)
from mmsport.registry import MODELS

NO_DROP_ENCODER = dict(type='EfficientNetV2', arch='b0', drop_path_rate=0.0)


def _model(**kwargs):
    cfg = dict(type='SlowFusionStacker', encoder_2d=NO_DROP_ENCODER, dropout=0.0,
               drop_path_rate_3d=0.0)
    cfg.update(kwargs)
    return MODELS.build(cfg)


def _batch(n=2, t=15, h=64, w=64, num_classes=2, seed=0):
    g = torch.Generator().manual_seed(seed)
    inputs = [torch.randint(0, 256, (t, h, w), dtype=torch.uint8, generator=g)
              for _ in range(n)]
    samples = []
    for i in range(n):
        target = torch.zeros(num_classes)
        target[i % num_classes] = 1.0
        samples.append(ActionDataSample().set_gt_label(target))  # float multi-hot stays float
    return dict(inputs=inputs, data_samples=samples)


def test_param_count_matches_seed():
    model = SlowFusionStacker()  # the seed's settings: 15 frames, stacks of 3, 2 classes
    ours = sum(p.numel() for p in model.parameters())
    assert SEED_PARAM_COUNT == 6_770_547  # seed model rebuilt with timm 1.0.31
    assert abs(ours - SEED_PARAM_COUNT) <= 0.01 * SEED_PARAM_COUNT
    assert ours == SEED_PARAM_COUNT  # currently exact


def test_builds_mmpretrain_encoder_in_its_scope_and_focal_loss():
    from mmpretrain.models.backbones import EfficientNetV2
    from mmpretrain.models.losses import FocalLoss
    model = _model()
    assert isinstance(model.encoder_2d, EfficientNetV2)
    assert len(model.encoder_2d.layers) == 7  # the 1280-ch head conv is dropped
    assert model.encoder_2d.layers[0].conv.in_channels == 3
    assert isinstance(model.loss_module, FocalLoss)
    assert (model.loss_module.alpha, model.loss_module.gamma) == (0.4, 1.2)
    assert isinstance(model.data_preprocessor, GrayFramesPreprocessor)


@pytest.mark.parametrize('t,n', [(15, 2), (33, 1)])
def test_tensor_mode_shapes(t, n):
    model = _model(num_frames=t, num_classes=3).eval()
    x = torch.rand(n, t, 64, 64)
    with torch.no_grad():
        feats = model.forward_2d(x)
        assert feats.shape == (n, 192, t // 3, 2, 2)
        assert model.forward_3d(feats).shape == (n, 256 * (t // 3), 2, 2)
        assert model(x).shape == (n, 3)
    assert model.fc.in_features == 256 * (t // 3)


def test_wrong_number_of_frames_raises():
    with pytest.raises(ValueError):
        SlowFusionStacker(num_frames=16)
    model = _model().eval()
    with pytest.raises(ValueError):
        model(torch.rand(1, 12, 64, 64))


def test_preprocessor_moves_uint8_then_scales():
    pre = GrayFramesPreprocessor()
    batch = _batch(n=2, t=6, h=8, w=8)
    out = pre(batch)
    x = out['inputs']
    assert x.dtype == torch.float32 and x.shape == (2, 6, 8, 8)
    torch.testing.assert_close(x[1], batch['inputs'][1].float() / 255)
    pre2 = GrayFramesPreprocessor(mean=128.0, std=64.0)
    stacked = torch.stack(batch['inputs'])
    x2 = pre2(dict(inputs=stacked))['inputs']
    torch.testing.assert_close(x2, (stacked.float() - 128) / 64)


def test_loss_is_finite_and_decreases_on_a_fixed_batch():
    torch.manual_seed(0)
    model = _model()
    ow = OptimWrapper(torch.optim.Adam(model.parameters(), lr=1e-3))
    batch = _batch()
    losses = [model.train_step(batch, ow)['loss_cls'].item() for _ in range(6)]
    assert all(torch.isfinite(torch.tensor(losses)))
    assert losses[-1] < losses[0]


def test_loss_is_the_seed_focal_loss_with_soft_targets():
    model = _model()
    logits = torch.tensor([[2.0, -1.0], [0.5, 0.3]])
    target = torch.tensor([[1.0, 0.0], [0.6, 0.2]])  # soft targets
    samples = [ActionDataSample().set_gt_label(t) for t in target]
    loss = model.loss(logits, samples)['loss_cls']
    # the seed's sigmoid focal loss (fvcore form), alpha 0.4, gamma 1.2, mean
    p = logits.sigmoid()
    ce = torch.nn.functional.binary_cross_entropy_with_logits(logits, target, reduction='none')
    p_t = p * target + (1 - p) * (1 - target)
    alpha_t = 0.4 * target + 0.6 * (1 - target)
    torch.testing.assert_close(loss, (alpha_t * ce * (1 - p_t) ** 1.2).mean())


def test_single_class_targets_are_not_read_as_indices():
    model = _model(num_classes=1)
    samples = [ActionDataSample().set_gt_label(torch.tensor([v])) for v in (1.0, 0.0)]
    loss = model.loss(torch.tensor([[3.0], [-3.0]]), samples)['loss_cls']
    assert torch.isfinite(loss) and loss < 0.01


def test_predict_fills_pred_score():
    model = _model().eval()
    out = model.test_step(_batch())
    assert len(out) == 2
    for sample in out:
        assert isinstance(sample, ActionDataSample)
        assert sample.pred_score.shape == (2, )
        assert ((sample.pred_score >= 0) & (sample.pred_score <= 1)).all()
    out = model(torch.rand(1, 15, 64, 64), mode='predict')  # no data samples given
    assert out[0].pred_score.shape == (2, )


def test_frozen_2d_encoder_is_unchanged_by_a_step():
    model = _model(freeze_2d_encoder=True)
    model.train()
    assert not model.encoder_2d.training and model.projection_2d.training
    assert not any(p.requires_grad for p in model.encoder_2d.parameters())
    before_2d = {k: v.clone() for k, v in model.encoder_2d.state_dict().items()}
    before_3d = model.encoder_3d[0].expand_conv.conv.weight.detach().clone()
    params = [p for p in model.parameters() if p.requires_grad]
    ow = OptimWrapper(torch.optim.AdamW(params, lr=1e-2))
    model.train_step(_batch(), ow)
    after_2d = model.encoder_2d.state_dict()  # weights and BN running statistics
    assert all(torch.equal(before_2d[k], after_2d[k]) for k in before_2d)
    assert not torch.equal(before_3d, model.encoder_3d[0].expand_conv.conv.weight)


def test_cpu_autocast_forward_is_finite():
    model = _model().eval()
    with torch.no_grad(), torch.autocast('cpu', dtype=torch.bfloat16):
        logits = model(torch.rand(1, 15, 64, 64))
    assert logits.shape == (1, 2) and torch.isfinite(logits.float()).all()


def test_pretrained_2d_checkpoint_is_loaded_by_init_weights(tmp_path):
    source = MODELS.build(dict(type='EfficientNetV2', arch='b0', init_cfg=None,
                               _scope_='mmpretrain'))  # full classifier backbone
    state = {f'backbone.{k}': v for k, v in source.state_dict().items()}
    state['head.fc.weight'] = torch.zeros(10, 1280)
    path = str(tmp_path / 'b0.pth')
    torch.save(dict(state_dict=state), path)
    model = _model(pretrained_2d=path)
    model.init_weights()
    loaded = model.encoder_2d.state_dict()
    assert all(torch.equal(v, source.state_dict()[k]) for k, v in loaded.items())


def test_forward_is_head_over_encoded_stacks_and_stacks_are_batch_independent():
    torch.manual_seed(0)
    model = _model(num_frames=9, num_3d_blocks=1).eval()
    for m in model.modules():  # non-trivial BN statistics: eval BN must stay per-sample
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
    x = torch.rand(2, 9, 64, 96)
    with torch.no_grad():
        stacks = x.reshape(6, 3, 64, 96)  # (B*S, k, H, W)
        feats = model.encode_stacks(stacks)  # (6, 192, 2, 3)
        assert feats.shape == (6, 192, 2, 3)
        alone = torch.cat([model.encode_stacks(s[None]) for s in stacks])
        torch.testing.assert_close(feats, alone, atol=1e-5, rtol=1e-4)
        head_in = feats.view(2, 3, 192, 2, 3).transpose(1, 2)  # (B, F, S, h, w)
        torch.testing.assert_close(model.head_forward(head_in), model(x))
        with pytest.raises(ValueError):
            model.encode_stacks(x)  # 9 channels are not a stack of 3
        with pytest.raises(ValueError):
            model.head_forward(head_in[:, :, :2])  # 2 stacks, the head takes 3


def test_channels_last_and_silu_are_the_same_function():
    """The speed settings (channels-last 2D encoder, fused SiLU instead of mmcv Swish)
    give the logits and gradients of the plain NCHW / Swish model."""
    from mmsport.models.spotters.base_window_spotter import DEFAULT_ENCODER_2D
    assert DEFAULT_ENCODER_2D['act_cfg'] == dict(type='SiLU')
    torch.manual_seed(0)
    fast = _model(encoder_2d=dict(NO_DROP_ENCODER, act_cfg=dict(type='SiLU')))
    plain = _model(encoder_2d=NO_DROP_ENCODER, channels_last_2d=False)  # mmpretrain's Swish
    plain.load_state_dict(fast.state_dict())
    conv = fast.encoder_2d.layers[0].conv.weight
    assert conv.is_contiguous(memory_format=torch.channels_last) and conv.dim() == 4
    assert not plain.encoder_2d.layers[0].conv.weight.is_contiguous(
        memory_format=torch.channels_last)
    # non-trivial BN statistics, so every layer matters
    for a, b in zip(fast.modules(), plain.modules()):
        if isinstance(a, torch.nn.BatchNorm2d):
            a.running_mean.uniform_(-0.1, 0.1)
            a.running_var.uniform_(0.5, 2.0)
            b.load_state_dict(a.state_dict())
    x = torch.rand(2, 15, 64, 96)
    fast.eval()
    plain.eval()
    out_fast, out_plain = fast.forward_logits(x), plain.forward_logits(x)
    assert out_fast.abs().max() > 1e-3
    torch.testing.assert_close(out_fast, out_plain, rtol=1e-4, atol=1e-5)
    out_fast.sum().backward()
    out_plain.sum().backward()
    torch.testing.assert_close(fast.encoder_2d.layers[0].conv.weight.grad,
                               plain.encoder_2d.layers[0].conv.weight.grad, rtol=1e-3, atol=1e-5)
