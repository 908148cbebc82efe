import numpy as np
import pytest

from mmsport.models.postprocess import peak_spotting


def test_finds_smoothed_peaks_per_class_with_min_distance():
    s = np.zeros((200, 2))
    s[50, 0] = 1.0
    s[58, 0] = 0.9   # closer than `distance` to the first: suppressed
    s[120, 0] = 1.0
    s[80:83, 1] = 0.5
    spots = peak_spotting(s, sigma=2.0, height=0.05, distance=15)
    frames0 = [f for f, c, _ in spots if c == 0]
    assert frames0[0] in (50, 51, 52, 53, 54) and 120 in frames0 and len(frames0) == 2
    assert [f for f, c, _ in spots if c == 1] == [81]
    assert spots == sorted(spots)


def test_height_threshold_and_nan():
    s = np.full((50, 1), np.nan)
    s[25, 0] = 0.3
    assert peak_spotting(s, sigma=0, height=0.2, distance=5) == [(25, 0, pytest.approx(0.3))]
    assert peak_spotting(s, sigma=0, height=0.5, distance=5) == []


def test_rejects_bad_shape():
    with pytest.raises(ValueError, match=r'\(T, C\)'):
        peak_spotting(np.zeros(10))
