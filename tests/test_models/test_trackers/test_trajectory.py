import numpy as np

from mmsport.models.trackers.trajectory import (fill_short_gaps, postprocess_trajectory,
                                                reject_outlier_jumps)


def _track(points):
    """points: list of (x, y) or None."""
    return np.array([[0, -1, -1] if p is None else [1, p[0], p[1]] for p in points], float)


def test_fill_short_gap_linear():
    t = _track([(0, 0), None, None, (30, 60), None])
    out = fill_short_gaps(t, max_gap=2, fill_code=3)
    np.testing.assert_allclose(out[1], [3, 10, 20])
    np.testing.assert_allclose(out[2], [3, 20, 40])
    np.testing.assert_allclose(out[4], [0, -1, -1])  # trailing gap: no right neighbour
    assert t[1, 0] == 0  # input untouched


def test_long_gap_not_filled():
    t = _track([(0, 0), None, None, None, (40, 0)])
    out = fill_short_gaps(t, max_gap=2)
    assert (out[1:4, 0] == 0).all()


def test_outlier_jump_rejected_but_fast_track_kept():
    t = _track([(0, 0), (10, 0), (500, 400), (30, 0), (40, 0)])
    out = reject_outlier_jumps(t, max_jump=100)
    assert out[2, 0] == 0 and (out[[0, 1, 3, 4], 0] == 1).all()
    fast = _track([(0, 0), (90, 0), (180, 0)])  # consistently fast: not an outlier
    assert (reject_outlier_jumps(fast, max_jump=100)[:, 0] == 1).all()


def test_postprocess_rejects_then_fills():
    t = _track([(0, 0), (10, 0), (900, 900), (30, 0)])
    out = postprocess_trajectory(t, max_gap=2, max_jump=100, fill_code=3)
    np.testing.assert_allclose(out[2], [3, 20, 0])


def test_empty_and_ends():
    assert postprocess_trajectory(np.zeros((0, 3))).shape == (0, 3)
    # a jump at the end of a run is ambiguous: both ends are kept
    t = _track([(0, 0), (10, 0), (900, 900)])
    np.testing.assert_array_equal(reject_outlier_jumps(t, max_jump=100), t)


def test_lone_detection_is_dropped():
    t = _track([None] * 10 + [(5, 5)] + [None] * 10 + [(50, 5)])
    out = reject_outlier_jumps(t, max_jump=100, neighbour_window=8)
    assert (out[:, 0] == 0).all()


def test_streaming_equals_whole_track():
    from mmsport.models.trackers.trajectory import StreamingTrajectoryPostprocessor
    rng = np.random.default_rng(0)
    n = 400
    xy = np.cumsum(rng.normal(0, 15, (n, 2)), axis=0) + 500
    code = (rng.random(n) > 0.3).astype(float)
    xy[rng.random(n) < 0.05] += 800  # outliers
    raw = np.c_[code, np.where(code[:, None] > 0, xy, -1)]
    kw = dict(max_gap=3, max_jump=60.0, neighbour_window=5)
    expected = postprocess_trajectory(raw, **kw)
    for chunk in (1, 7, 64, 1000):
        pp = StreamingTrajectoryPostprocessor(chunk=chunk, **kw)
        got, payloads = [], []
        for i, row in enumerate(raw):
            for j, r, p in pp.push(row, payload=i):
                got.append((j, r))
                payloads.append(p)
            # bounded memory: never more than chunk + 2 * context rows held
            assert len(pp._raw) <= chunk + 2 * pp.context
        for j, r, p in pp.flush():
            got.append((j, r))
            payloads.append(p)
        assert [j for j, _ in got] == list(range(n)) and payloads == list(range(n))
        np.testing.assert_array_equal(np.stack([r for _, r in got]), expected)
