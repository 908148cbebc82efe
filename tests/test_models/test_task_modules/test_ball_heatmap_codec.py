import numpy as np
import pytest
import torch

from mmsport.models.task_modules import BallHeatmapCodec


@pytest.mark.parametrize('full_size,hm_size', [((1280, 720), (320, 180)),
                                               ((1280, 720), (640, 360)),
                                               ((640, 360), (640, 360))])
def test_round_trip_positions_and_codes(full_size, hm_size):
    codec = BallHeatmapCodec(sigma=1.5, vis_thr=0.5)
    rng = np.random.default_rng(0)
    n = 50
    balls = np.zeros((n, 3))
    balls[:, 0] = rng.integers(0, 4, n)
    balls[:, 1] = rng.uniform(20, full_size[0] - 20, n)
    balls[:, 2] = rng.uniform(20, full_size[1] - 20, n)
    heat = codec.encode(balls, full_size, hm_size)
    assert heat.shape == (n, hm_size[1], hm_size[0])
    assert heat.dtype == np.float32 and heat.max() <= 1.0
    dec, scores = codec.decode(heat, full_size)
    has_blob = np.isin(balls[:, 0], (1, 2))
    np.testing.assert_array_equal(dec[:, 0], has_blob.astype(float))
    assert (dec[~has_blob, 1:] == -1).all()
    # sub-pixel centroid: within a quarter of a heatmap pixel, in full-res pixels
    tol = 0.25 * full_size[0] / hm_size[0] + 1e-6
    err = np.abs(dec[has_blob, 1:] - balls[has_blob, 1:])
    assert err.max() <= tol, err.max()
    assert (scores[has_blob] > 0.5).all() and (scores[~has_blob] == 0).all()


def test_occluded_target_is_configurable():
    ball = np.array([[3, 100.0, 50.0]])
    assert BallHeatmapCodec().encode(ball, (320, 180), (80, 45)).max() == 0
    assert BallHeatmapCodec(target_codes=(1, 2, 3)).encode(ball, (320, 180), (80, 45)).max() > 0.9


def test_pixel_centre_mapping():
    codec = BallHeatmapCodec(sigma=1.0)
    # full-res x = 11.5 of a 4x downscale maps to (11.5 + .5) / 4 - .5 = 2.5 on the heatmap:
    # half-way between heatmap pixels 2 and 3
    heat = codec.encode(np.array([[1, 11.5, 11.5]]), (32, 32), (8, 8))[0]
    assert heat[2, 2] == pytest.approx(heat[3, 3]) and heat[2, 2] == pytest.approx(heat[2, 3])
    dec, _ = codec.decode(heat[None], (32, 32))
    assert dec[0, 1] == pytest.approx(11.5, abs=1e-4) and dec[0, 2] == pytest.approx(11.5, abs=1e-4)


def test_threshold_gives_no_ball():
    codec = BallHeatmapCodec(vis_thr=0.5)
    heat = np.full((1, 10, 10), 0.3, np.float32)
    dec, scores = codec.decode(heat, (40, 40))
    assert dec[0, 0] == 0 and scores[0] == pytest.approx(0.3)


def test_decoding_logits_equals_decoding_their_sigmoid():
    """from_logits applies the sigmoid to the five values read: same balls and scores,
    bit for bit, as decoding the whole probability map (peaks inside, at the border,
    and a flat map)."""
    torch.manual_seed(0)
    codec = BallHeatmapCodec()
    logits = torch.randn(32, 45, 80) * 2  # below sigmoid's saturation (float32: ~16.6)
    logits[:8, 0, :] += 5  # peaks on the top row
    logits[8:12, :, -1] += 5  # and on the right column
    logits[12] = -20.0  # no ball
    balls_p, scores_p = codec.decode(logits.sigmoid(), (1280, 720))
    balls_l, scores_l = codec.decode(logits, (1280, 720), from_logits=True)
    np.testing.assert_array_equal(balls_l, balls_p)
    np.testing.assert_array_equal(scores_l, scores_p)
    assert balls_p[12, 0] == 0 and (balls_p[:12, 0] == 1).all()


def test_decoding_logits_finds_the_peak_where_the_sigmoid_saturates():
    # logits 20 and 25 both become probability 1.0 in float32: the map cannot tell
    # them apart (its arg-max is the first), the logits can
    codec = BallHeatmapCodec()
    logits = torch.full((1, 9, 9), -10.0)
    logits[0, 2, 2], logits[0, 6, 6] = 20.0, 25.0
    assert logits.sigmoid()[0, 2, 2] == logits.sigmoid()[0, 6, 6] == 1.0
    balls, _ = codec.decode(logits, (9, 9), from_logits=True)
    np.testing.assert_allclose(balls[0], [1, 6, 6])
