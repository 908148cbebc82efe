"""FrozenCPUForward and OnnxRuntimeForward give the eager model's numbers, for any batch
size and for each input size (one graph / ONNX model per size); fast_cpu_forward picks."""
import numpy as np
import pytest
import torch

from mmsport.models.backbones import BallUNet
from mmsport.models.trackers import FrozenCPUForward, OnnxRuntimeForward, fast_cpu_forward
from mmsport.registry import MODELS


@pytest.mark.parametrize('space_to_depth', [1, 2])
@pytest.mark.parametrize('backend', ['torchscript', 'onnxruntime'])
def test_same_logits_as_eager_for_sizes_and_batches(space_to_depth, backend):
    if backend == 'onnxruntime':
        pytest.importorskip('onnxruntime')
        pytest.importorskip('onnx')
    torch.manual_seed(0)
    net = BallUNet(in_channels=9, channels=(4, 8, 16), space_to_depth=space_to_depth)
    for m in net.modules():  # non-trivial batch-norm statistics, so folding them matters
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
    net.eval()
    fast = fast_cpu_forward(net, backend)
    assert isinstance(fast, FrozenCPUForward if backend == 'torchscript' else OnnxRuntimeForward)
    for h, w in [(36, 64), (37, 51), (36, 64)]:
        for batch in (3, 1):
            x = torch.rand(batch, 9, h, w)
            with torch.no_grad():
                want = net(x)
            got = fast(x)
            assert got.shape == (batch, h, w)
            torch.testing.assert_close(got, want, rtol=1e-4, atol=1e-4)
    sizes = fast._graphs if backend == 'torchscript' else [k[2:] for k in fast._sessions]
    assert sorted(sizes) == [(36, 64), (37, 51)]


def test_backend_choice_and_fallbacks(monkeypatch):
    """'auto' takes ONNX Runtime when importable, else TorchScript; a size that does not
    export runs on the frozen PyTorch graph with the same numbers."""
    import builtins
    net = BallUNet(in_channels=3, channels=(4, 8)).eval()
    with pytest.raises(ValueError, match='backend'):
        fast_cpu_forward(net, 'tensorrt')
    real_import = builtins.__import__

    def no_onnxruntime(name, *args, **kwargs):
        if name == 'onnxruntime':
            raise ImportError('No module named onnxruntime')
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, '__import__', no_onnxruntime)
    assert isinstance(fast_cpu_forward(net), FrozenCPUForward)
    with pytest.raises(ImportError):
        fast_cpu_forward(net, 'onnxruntime')
    monkeypatch.setattr(builtins, '__import__', real_import)
    pytest.importorskip('onnxruntime')
    pytest.importorskip('onnx')
    fast = fast_cpu_forward(net)
    assert isinstance(fast, OnnxRuntimeForward)

    def cannot_export(*args, **kwargs):
        raise RuntimeError('unsupported op')
    monkeypatch.setattr(torch.onnx, 'export', cannot_export)
    x = torch.rand(2, 3, 8, 10)
    with torch.no_grad():
        torch.testing.assert_close(fast(x), net(x), rtol=1e-4, atol=1e-4)
    assert isinstance(fast._fallback, FrozenCPUForward)


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
            for flag in (False, True, 'torchscript')]
    for fast in runs[1:]:
        np.testing.assert_allclose(runs[0][0], fast[0], atol=1e-3)  # (code, x, y) per frame
        np.testing.assert_allclose(runs[0][1], fast[1], atol=1e-4)


@pytest.mark.parametrize('space_to_depth', [1, 2])
def test_uint8_input_net_folds_the_scaling_exactly(space_to_depth):
    """Raw uint8 stacks through the folded net = the preprocessed floats through the
    net (odd sizes, so the zero padding of the space-to-depth stem is covered)."""
    from mmsport.models.trackers import UInt8InputNet, raw_input_net
    torch.manual_seed(0)
    model = MODELS.build(dict(
        type='BallHeatmapTracker', data_preprocessor=dict(type='BallStackPreprocessor'),
        backbone=dict(type='BallUNet', in_channels=12, channels=(4, 8, 16),
                      space_to_depth=space_to_depth),
        codec=dict(type='BallHeatmapCodec'))).eval()
    raw = raw_input_net(model)
    assert isinstance(raw, UInt8InputNet)
    x = torch.randint(0, 256, (2, 12, 37, 51), dtype=torch.uint8)
    with torch.no_grad():
        want = model.backbone(model.data_preprocessor(dict(inputs=x))['inputs'])
        torch.testing.assert_close(raw(x), want, rtol=1e-4, atol=1e-4)
    for backend in ('torchscript', 'onnxruntime'):
        if backend == 'onnxruntime' and not _has_onnxruntime():
            continue
        torch.testing.assert_close(fast_cpu_forward(raw, backend)(x), want, rtol=1e-4,
                                   atol=1e-4)
    # a shift (nonzero mean) cannot be folded into a zero-padded convolution
    shifted = MODELS.build(dict(
        type='BallHeatmapTracker',
        data_preprocessor=dict(type='BallStackPreprocessor', mean=[1, 2, 3]),
        backbone=dict(type='BallUNet', in_channels=9, channels=(4, 8)),
        codec=dict(type='BallHeatmapCodec')))
    assert raw_input_net(shifted) is None
    with pytest.raises(ValueError, match='input channels'):
        model.backbone.fold_input_scale(torch.ones(9))


def _has_onnxruntime():
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True
