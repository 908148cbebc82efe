"""Flip test-time augmentation: the average of the plain and mirrored passes, used by the
model's predict/tensor modes and by the streamer's fast CPU paths, never in training."""
import numpy as np
import pytest
import torch

from mmsport.models.backbones import BallUNet
from mmsport.models.trackers import FlipAverageNet, fast_cpu_forward, inference_net
from mmsport.registry import MODELS


def _net(space_to_depth=2):
    torch.manual_seed(0)
    return BallUNet(in_channels=9, channels=(4, 8, 16), space_to_depth=space_to_depth).eval()


@pytest.mark.parametrize('space_to_depth', [1, 2])
def test_flip_average_is_the_mean_of_both_passes_and_mirror_equivariant(space_to_depth):
    net = _net(space_to_depth)
    tta = FlipAverageNet(net)
    x = torch.rand(3, 9, 37, 51)
    with torch.no_grad():
        want = (net(x) + net(x.flip(-1)).flip(-1)) / 2  # worked by hand, two batches
        got = tta(x)
        torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-5)
        # the mirrored input gives the mirrored heatmap, which a single pass does not
        torch.testing.assert_close(tta(x.flip(-1)), got.flip(-1), rtol=1e-5, atol=1e-5)
        assert not torch.allclose(net(x.flip(-1)), net(x).flip(-1), atol=1e-3)
    assert got.shape == (3, 37, 51)


def test_inference_net_follows_test_cfg():
    net = _net()
    assert inference_net(net, {}) is net
    assert inference_net(net, dict(flip=False)) is net
    wrapped = inference_net(net, dict(flip=True))
    assert isinstance(wrapped, FlipAverageNet) and wrapped.net is net


def _tracker(flip):
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='BallHeatmapTracker',
        backbone=dict(type='BallUNet', in_channels=9, channels=(4, 8, 16), space_to_depth=2),
        codec=dict(type='BallHeatmapCodec', sigma=1.5, vis_thr=0.0),
        test_cfg=dict(flip=flip))).eval()


def test_tracker_flips_at_test_time_only():
    plain, flipped = _tracker(False), _tracker(True)
    x = torch.rand(2, 9, 36, 64)
    with torch.no_grad():
        torch.testing.assert_close(flipped(x, mode='tensor'),
                                   FlipAverageNet(plain.backbone)(x))
        assert not torch.allclose(flipped(x, mode='tensor'), plain(x, mode='tensor'))
    # training sees the plain pass: the same loss with and without the test-time flip
    from mmengine.structures import BaseDataElement
    samples = [BaseDataElement(gt_heatmap=torch.rand(36, 64)) for _ in range(2)]
    flipped.train(), plain.train()
    torch.testing.assert_close(flipped(x, samples, mode='loss')['loss_heatmap'],
                               plain(x, samples, mode='loss')['loss_heatmap'])


@pytest.mark.parametrize('backend', ['torchscript', 'onnxruntime'])
def test_fast_cpu_paths_run_the_flip_average(backend):
    if backend == 'onnxruntime':
        pytest.importorskip('onnxruntime')
        pytest.importorskip('onnx')
    tta = FlipAverageNet(_net())
    fast = fast_cpu_forward(tta, backend)
    for batch in (3, 1):
        x = torch.rand(batch, 9, 37, 51)
        with torch.no_grad():
            torch.testing.assert_close(fast(x), tta(x), rtol=1e-4, atol=1e-4)


def test_streamer_tracks_with_the_flip_as_the_model_does():
    from mmsport.apis import BallTrackStreamer
    model = _tracker(True)
    frames = [np.random.default_rng(i).integers(0, 255, (72, 128, 3), np.uint8)
              for i in range(7)]
    eager, fast = (BallTrackStreamer(model, 3, (64, 36), batch_size=4, cpu_speedup=flag)
                   .run(frames) for flag in (False, True))
    np.testing.assert_allclose(eager[0], fast[0], atol=1e-3)
    np.testing.assert_allclose(eager[1], fast[1], atol=1e-4)
    plain = BallTrackStreamer(_tracker(False), 3, (64, 36), batch_size=4,
                              cpu_speedup=False).run(frames)
    assert not np.allclose(plain[1], eager[1], atol=1e-4)  # the flag does change the scores
