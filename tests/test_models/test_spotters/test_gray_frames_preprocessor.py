"""GrayFramesPreprocessor: normalisation, padding and device-side batch augmentation."""
import torch

from mmsport.models.spotters import GrayFramesPreprocessor


def _batch(b=4, t=3, h=8, w=10):
    torch.manual_seed(0)
    return dict(inputs=[torch.randint(0, 256, (t, h, w), dtype=torch.uint8) for _ in range(b)])


def test_normalises_and_pads_without_augment():
    pre = GrayFramesPreprocessor(pad_size_divisor=4)
    data = _batch()
    out = pre(data, training=True)['inputs']
    assert out.shape == (4, 3, 8, 12) and out.dtype == torch.float32
    ref = torch.stack(data['inputs']).float() / 255
    assert torch.allclose(out[..., :10], ref)


def test_flip_always_and_never():
    ref = GrayFramesPreprocessor()(_batch(), training=False)['inputs']
    flipped = GrayFramesPreprocessor(augment=dict(flip_prob=1.0))(_batch(),
                                                                  training=True)['inputs']
    assert torch.equal(flipped, ref.flip(-1))
    # no augmentation at validation/test time
    same = GrayFramesPreprocessor(augment=dict(flip_prob=1.0))(_batch(),
                                                               training=False)['inputs']
    assert torch.equal(same, ref)


def test_brightness_contrast_are_per_window_affine():
    ref = GrayFramesPreprocessor()(_batch(b=6), training=False)['inputs']
    data = _batch(b=6)
    torch.manual_seed(1)
    out = GrayFramesPreprocessor(augment=dict(brightness=0.2, contrast=0.3))(
        data, training=True)['inputs']
    for x, y in zip(ref, out):
        # y = (x - m) * c + m + b: an affine map of each window with c in [0.7, 1.3]
        xc, yc = x - x.mean(), y - y.mean()
        c = (xc * yc).sum() / (xc * xc).sum()
        assert 0.7 - 1e-5 <= c <= 1.3 + 1e-5
        assert torch.allclose(yc, c * xc, atol=1e-5)
        assert abs((y.mean() - x.mean()).item()) <= 0.2 + 1e-5
    assert not torch.allclose(out, ref)
