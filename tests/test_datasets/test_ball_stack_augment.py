"""Stack augmentations: one setting per sample for every frame, targets follow a rescale."""
import numpy as np
import pytest

from mmsport.datasets.transforms import (BallHeatmapTarget, BallStackBlur, BallStackColorJitter,
                                         BallStackJPEG, RandomBallScale)


def _stack(seed=0):
    rng = np.random.default_rng(seed)
    base = rng.integers(40, 200, (36, 64, 3), dtype=np.uint8)
    imgs = np.stack([base, base, base]).copy()
    imgs[2, 10:12, 30:32] = 255                      # the ball moves into the last frame
    return dict(imgs=imgs, gt_ball=np.array([1.0, 124.0, 42.0]), full_size=(256, 144),
                input_size=(64, 36))


@pytest.mark.parametrize('step', [BallStackColorJitter(prob=1.0), BallStackBlur(prob=1.0),
                                  BallStackJPEG(quality=(20, 20), prob=1.0)])
def test_photometric_steps_treat_every_frame_alike(step):
    np.random.seed(0)
    out = step(_stack())
    imgs = out['imgs']
    assert imgs.dtype == np.uint8 and imgs.shape == (3, 36, 64, 3)
    assert not np.array_equal(imgs, _stack()['imgs'])
    np.testing.assert_array_equal(imgs[0], imgs[1])   # same frame in, same frame out
    assert np.abs(imgs[2].astype(int) - imgs[1].astype(int)).sum() > 0  # the ball's change kept


def test_rescale_moves_the_target_with_the_frames():
    np.random.seed(1)
    codec = dict(type='BallHeatmapCodec', sigma=1.0)
    out = BallHeatmapTarget(codec)(RandomBallScale(scale=(1.5, 1.5), prob=1.0)(_stack()))
    assert out['input_size'] == (96, 54) and out['imgs'].shape == (3, 54, 96, 3)
    y, x = np.unravel_index(out['gt_heatmap'].argmax(), out['gt_heatmap'].shape)
    assert (x, y) == (46, 15)          # (124, 42) full-res pixels at 96/256 of the width
    kept = RandomBallScale(scale=(0.5, 0.5), prob=1.0, min_size=(40, 30))(_stack())
    assert kept['input_size'] == (40, 30)


def test_bad_settings_are_refused():
    with pytest.raises(ValueError):
        RandomBallScale(scale=(1.2, 0.8))
    with pytest.raises(ValueError):
        BallStackJPEG(quality=(0, 50))
    with pytest.raises(ValueError):
        BallStackBlur(prob=1.5)
