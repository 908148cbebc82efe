"""FrozenCPUForward: the traced, frozen channels-last copy gives the eager model's numbers,
for any batch size and for each input size (one graph per size)."""
import numpy as np
import pytest
import torch

from mmsport.models.backbones import BallUNet
from mmsport.models.trackers import FrozenCPUForward
from mmsport.registry import MODELS


@pytest.mark.parametrize('space_to_depth', [1, 2])
def test_same_logits_as_eager_for_sizes_and_batches(space_to_depth):
    torch.manual_seed(0)
    net = BallUNet(in_channels=9, channels=(4, 8, 16), space_to_depth=space_to_depth)
    for m in net.modules():  # non-trivial batch-norm statistics, so folding them matters
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
    net.eval()
    fast = FrozenCPUForward(net)
    for h, w in [(36, 64), (37, 51), (36, 64)]:
        for batch in (3, 1):
            x = torch.rand(batch, 9, h, w)
            with torch.no_grad():
                want = net(x)
            got = fast(x)
            assert got.shape == (batch, h, w)
            torch.testing.assert_close(got, want, rtol=1e-4, atol=1e-4)
    assert sorted(fast._graphs) == [(36, 64), (37, 51)]


def test_untraceable_net_falls_back_to_eager(monkeypatch):
    def cannot_trace(*args, **kwargs):
        raise RuntimeError('unsupported op')

    net = BallUNet(in_channels=3, channels=(4, 8)).eval()
    fast = FrozenCPUForward(net)
    monkeypatch.setattr(torch.jit, 'trace', cannot_trace)
    x = torch.rand(2, 3, 8, 10)
    with torch.no_grad():
        torch.testing.assert_close(fast(x), net(x))
    assert fast._graphs[(8, 10)] is fast.net  # the eager channels-last copy


def test_streamer_tracks_the_same_with_and_without_the_speedup():
    from mmsport.apis import BallTrackStreamer
    torch.manual_seed(0)
    model = MODELS.build(dict(
        type='BallHeatmapTracker',
        backbone=dict(type='BallUNet', in_channels=9, channels=(4, 8, 16), space_to_depth=2),
        codec=dict(type='BallHeatmapCodec', sigma=1.5, vis_thr=0.0))).eval()
    frames = [np.random.default_rng(i).integers(0, 255, (72, 128, 3), np.uint8)
              for i in range(7)]
    runs = [BallTrackStreamer(model, 3, (64, 36), batch_size=4, cpu_speedup=flag).run(frames)
            for flag in (False, True)]
    np.testing.assert_allclose(runs[0][0], runs[1][0], atol=1e-3)  # (code, x, y) per frame
    np.testing.assert_allclose(runs[0][1], runs[1][1], atol=1e-4)
