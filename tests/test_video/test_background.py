"""The background frame: one definition for clips (training) and streams (inference)."""
import numpy as np
import pytest

from mmsport.video.background import (background_samples, background_span, background_step,
                                      clip_background, median_image, with_background)


def test_span_hand_worked():
    assert background_step(300) == 10 and background_step(60) == 2 and background_step(7) == 1
    assert background_span(0, 5, 300) == (0, 5)            # shorter than a window: all of it
    assert background_span(299, 700, 300) == (0, 300)
    assert background_span(300, 700, 300) == (300, 600)
    assert background_span(699, 700, 300) == (400, 700)     # 100-frame tail: last window
    assert background_span(600, 750, 300) == (600, 750)     # 150 = half a window: its own
    assert background_samples(400, 700, 300) == list(range(400, 700, 10))
    assert background_samples(3, 5, 300) == [3]             # no multiple of the step inside
    for bad in (0, -3, 2.5):
        with pytest.raises(ValueError, match='background_window'):
            background_span(0, 10, bad)
    with pytest.raises(ValueError, match='outside'):
        background_span(10, 10, 300)


def test_median_image_is_the_lower_median():
    frames = np.array([[[[1]]], [[[9]]], [[[4]]], [[[7]]]], np.uint8)   # (4, 1, 1, 1)
    assert median_image(frames).item() == 4                 # sorted 1 4 7 9: lower middle
    assert median_image(frames[:3]).item() == 4             # 1 9 4: the median
    rng = np.random.default_rng(0)
    odd = rng.integers(0, 256, (7, 5, 4, 3), dtype=np.uint8)
    np.testing.assert_array_equal(median_image(odd), np.median(odd, axis=0).astype(np.uint8))
    with pytest.raises(ValueError):
        median_image(np.zeros((0, 2, 2, 3), np.uint8))


@pytest.mark.parametrize('n', [1, 25, 59, 60, 61, 89, 90, 100, 130, 180])
def test_stream_gives_each_frame_its_clip_background(n):
    """Streaming (length unknown until the end) equals the clip definition, frame by frame."""
    window = 60  # step 2, tails under 30 frames take the last 60
    rng = np.random.default_rng(n)
    frames = rng.integers(0, 256, (n, 4, 5, 3), dtype=np.uint8)
    out = list(with_background(((i, f) for i, f in enumerate(frames)), window))
    assert [o[0] for o in out] == list(range(n))            # every frame, in order
    for i, _, bg in out:
        ref = clip_background(lambda j: frames[j], background_span(i, n, window), window)
        np.testing.assert_array_equal(bg, ref)


def test_stream_holds_back_at_most_one_segment():
    window, seen = 30, []

    def source():
        for i in range(100):
            seen.append(i)
            yield (i, np.full((2, 2, 3), i, np.uint8))
    for i, _, _ in with_background(source(), window):
        assert len(seen) - 1 - i < window


def test_clip_background_caches_by_span():
    calls = []

    def read(i):
        calls.append(i)
        return np.full((2, 2, 3), i, np.uint8)
    cache = {}
    a = clip_background(read, (0, 7), 7, cache, key='clip')
    b = clip_background(read, (0, 7), 7, cache, key='clip')
    assert a is b and calls == list(range(7)) and a[0, 0, 0] == 3
