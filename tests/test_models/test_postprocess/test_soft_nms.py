"""soft_nms / merge_windows against naive per-class, per-frame references."""
import math

import numpy as np
import pytest

from mmsport.models.postprocess import merge_windows, soft_nms


def naive_nms(scores, window, threshold=0.001, min_weight=0.0, mode='linear',
              max_per_class=None):
    """One class at a time, one kept timestep at a time, frame by frame (docs/metrics.md)."""
    scores = np.nan_to_num(np.asarray(scores, np.float64), nan=0.0)
    n, n_cls = scores.shape
    radius = window / 2.0
    r = math.ceil(radius)
    out = []
    for c in range(n_cls):
        v = scores[:, c].copy()
        kept = 0
        while n and (max_per_class is None or kept < max_per_class):
            i = int(np.argmax(v))  # first of the largest
            if not v[i] >= threshold:
                break
            out.append((i, c, float(v[i])))
            kept += 1
            for j in range(max(i - r, 0), min(i + r + 1, n)):
                if mode == 'hard':
                    wj = 0.0 if abs(j - i) <= radius else 1.0
                else:
                    wj = min(max(min_weight + (1.0 - min_weight) * abs((j - i) / radius),
                                 0.0), 1.0)
                v[j] *= wj
            v[i] = -1.0  # done
    out.sort()
    return out


def as_list(result):
    t, c, s = result
    assert t.dtype == np.int64 and c.dtype == np.int64 and s.dtype == np.float64
    return [(int(a), int(b), float(x)) for a, b, x in zip(t, c, s)]


def random_scores(seed, n=300, n_cls=4):
    rng = np.random.default_rng(seed)
    s = rng.random((n, n_cls)) * 0.05
    for _ in range(12):  # peaks, some on the video's edges
        t, c = int(rng.integers(0, n)), int(rng.integers(0, n_cls))
        s[max(t - 3, 0):t + 4, c] += rng.uniform(0.2, 1.0)
    s[0, 0], s[-1, 1], s[1, 2] = 0.99, 0.97, 0.98
    s[50, -1] = s[53, -1] = s[60, -1] = 0.95  # ties: the earliest is kept first
    s[100:104, -2] = 0.9  # a plateau
    s = np.round(s, 2)  # many exact ties
    s[7, 1] = np.nan
    return s


@pytest.mark.parametrize('mode', ['linear', 'hard'])
@pytest.mark.parametrize('window,min_weight', [(20, 0.0), (7, 0.3), (5.5, 0.0), (1, 0.5),
                                               (400, 0.1)])
@pytest.mark.parametrize('seed', [0, 1, 2])
def test_equals_naive_reference(mode, window, min_weight, seed):
    s = random_scores(seed)
    for threshold in (0.001, 0.3):
        got = as_list(soft_nms(s, window, threshold, min_weight, mode))
        assert got == naive_nms(s, window, threshold, min_weight, mode)  # bitwise scores


@pytest.mark.parametrize('mode', ['linear', 'hard'])
def test_max_per_class_and_tiny_inputs(mode):
    s = random_scores(3, n=120, n_cls=3)
    got = as_list(soft_nms(s, 10, 0.001, 0.0, mode, max_per_class=4))
    assert got == naive_nms(s, 10, 0.001, 0.0, mode, max_per_class=4)
    assert all(sum(c == k for _, c, _ in got) == 4 for k in range(3))
    for shape in ((1, 2), (2, 1), (3, 5)):
        x = np.random.default_rng(0).random(shape)
        assert as_list(soft_nms(x, 20, 0.001, 0.0, mode)) == naive_nms(x, 20, 0.001, 0.0, mode)
    assert as_list(soft_nms(np.zeros((0, 3)), 20)) == []
    assert as_list(soft_nms(s, 20, max_per_class=0)) == []


def test_linear_decay_and_threshold_stop():
    s = np.zeros((41, 1))
    s[20, 0], s[23, 0], s[30, 0] = 1.0, 0.8, 0.5
    t, c, v = soft_nms(s, window=20, threshold=0.1)  # radius 10
    assert t.tolist() == [20, 23, 30] and c.tolist() == [0, 0, 0]
    assert v.tolist() == [1.0, 0.8 * 0.3 * 0.7, 0.5]  # 30 is picked 2nd: decays 23 again
    t, _, v = soft_nms(s, window=20, threshold=0.3)  # the decayed 0.24 is below it
    assert t.tolist() == [20, 30]
    t, _, _ = soft_nms(s, window=20, threshold=0.6)
    assert t.tolist() == [20]
    t, _, v = soft_nms(s, window=20, threshold=0.1, min_weight=0.5)
    assert t.tolist() == [20, 23, 30] and v[1] == 0.8 * (0.5 + 0.5 * 0.3)  # 0.52 > 0.5
    t, _, v = soft_nms(s, window=6, threshold=0.1, mode='hard')  # |dt| <= 3 zeroed
    assert t.tolist() == [20, 30]
    t, _, v = soft_nms(s, window=5, threshold=0.1, mode='hard')
    assert t.tolist() == [20, 23, 30] and v.tolist() == [1.0, 0.8, 0.5]
    s[:, 0] = 0.0
    assert len(soft_nms(s, 20)[0]) == 0


def test_bad_arguments():
    with pytest.raises(ValueError, match='threshold'):
        soft_nms(np.ones((3, 1)), 20, threshold=0)
    with pytest.raises(ValueError, match='window'):
        soft_nms(np.ones((3, 1)), 0)
    with pytest.raises(ValueError, match='mode'):
        soft_nms(np.ones((3, 1)), 20, mode='gaussian')
    with pytest.raises(ValueError, match=r'\(T, C\)'):
        soft_nms(np.ones(3), 20)


def naive_merge(window_scores, starts, total_len, margin=0, fill=0.0):
    out = np.full((total_len, window_scores[0].shape[1]), -np.inf)
    for a, s in zip(window_scores, starts):
        for i in range(len(a)):
            t = s + i
            inner_start = s > 0 and i < margin
            inner_end = s + len(a) < total_len and i >= len(a) - margin
            if 0 <= t < total_len and not inner_start and not inner_end:
                out[t] = np.maximum(out[t], a[i])
    out[np.isneginf(out)] = fill
    return out


@pytest.mark.parametrize('margin', [0, 1, 3])
def test_merge_windows_overlaps_and_margins(margin):
    rng = np.random.default_rng(margin)
    total, length = 50, 12
    starts = [0, 8, 16, 24, 32, 40]  # the last one runs past the end
    wins = [rng.random((length, 3)).astype(np.float32) for _ in starts]
    got = merge_windows(wins, starts, total, margin=margin)
    assert got.shape == (total, 3) and got.dtype == np.float32
    np.testing.assert_array_equal(got, naive_merge(wins, starts, total, margin))
    # video ends are kept even with a margin; inner edges are not
    np.testing.assert_array_equal(got[0], wins[0][0])
    np.testing.assert_array_equal(got[total - 1], wins[-1][total - 1 - 40])
    if margin:  # row 8 is window 1's first row (dropped), row 11 window 0's last one
        np.testing.assert_array_equal(got[8], wins[0][8])
        np.testing.assert_array_equal(got[11], wins[1][3])
    else:
        np.testing.assert_array_equal(got[8], np.maximum(wins[0][8], wins[1][0]))
        np.testing.assert_array_equal(got[11], np.maximum(wins[0][11], wins[1][3]))


def test_merge_windows_gaps_fill_and_errors():
    wins = [np.ones((4, 2)), 2 * np.ones((4, 2))]
    got = merge_windows(wins, [0, 10], 14, margin=1, fill=-1.0)
    assert got[:3].tolist() == [[1, 1]] * 3 and got[3:11].tolist() == [[-1, -1]] * 8
    assert got[11:].tolist() == [[2, 2]] * 3
    got = merge_windows([np.arange(6.0)[:, None]], [-2], 3)  # starts before the video
    assert got[:, 0].tolist() == [2.0, 3.0, 4.0]
    with pytest.raises(ValueError, match='starts'):
        merge_windows(wins, [0], 14)
    with pytest.raises(ValueError, match='one C'):
        merge_windows([np.ones((4, 2)), np.ones((4, 3))], [0, 2], 8)
