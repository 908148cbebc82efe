"""SiBaTrAcc against values worked out by hand from docs/metrics.md."""
import math

import numpy as np
import pytest

from mmsport.evaluation.functional import (running_sibatracc, sibatracc, sibatracc_errors,
                                           tracking_prf)


def _reference_error(g, p):
    """Straight transcription of the definition, one frame at a time."""
    if g[0] != 0 and p[0] == 0:
        return 5
    if g[0] == 0 and p[0] != 0:
        return 5
    if g[0] == 0 and p[0] == 0:
        return 0
    d = math.sqrt((g[1] - p[1]) ** 2 + (g[2] - p[2]) ** 2)
    return min(math.floor(d / 8) ** 1.5, 5)


def test_hand_worked_clip():
    gt = np.array([[1, 100, 100], [2, 100, 100], [3, 100, 100], [1, 100, 100],
                   [0, -1, -1], [0, -1, -1], [1, 50, 50], [1, 50, 50]], float)
    pred = np.array([[1, 107, 100],   # d = 7     -> floor(0.875)=0 -> 0
                     [1, 108, 100],   # d = 8     -> 1 ** 1.5 = 1
                     [1, 100, 116],   # d = 16    -> 2 ** 1.5 = 2.8284...
                     [1, 100, 124],   # d = 24    -> 3 ** 1.5 = 5.196 -> capped 5
                     [0, -1, -1],     # both absent -> 0
                     [1, 10, 10],     # false alarm -> 5
                     [0, -1, -1],     # miss -> 5
                     [3, 56, 58]],    # d = 10 (6-8-10) -> 1
                    float)
    expected = [0, 1, 2 * math.sqrt(2), 5, 0, 5, 5, 1]
    np.testing.assert_allclose(sibatracc_errors(gt, pred), expected)
    np.testing.assert_allclose(expected, [_reference_error(g, p) for g, p in zip(gt, pred)])
    total = sum(expected)
    assert sibatracc(gt, pred) == pytest.approx(1 - total / (5 * 8))
    run = running_sibatracc(gt, pred)
    assert run[0] == 1.0 and run[1] == pytest.approx(1 - 1 / 10)
    assert run[-1] == pytest.approx(sibatracc(gt, pred))


def test_random_against_reference():
    rng = np.random.default_rng(1)
    gt = np.c_[rng.integers(0, 4, 300), rng.uniform(0, 1280, 300), rng.uniform(0, 720, 300)]
    pred = np.c_[rng.integers(0, 2, 300), gt[:, 1:] + rng.normal(0, 15, (300, 2))]
    ref = [_reference_error(g, p) for g, p in zip(gt, pred)]
    np.testing.assert_allclose(sibatracc_errors(gt, pred), ref)


def test_perfect_and_worst():
    gt = np.array([[1, 5, 5], [0, -1, -1]], float)
    assert sibatracc(gt, gt) == 1.0
    worst = np.array([[0, -1, -1], [1, 3, 3]], float)
    assert sibatracc(gt, worst) == 0.0


def test_prf_counts():
    gt = np.array([[1, 0, 0], [1, 0, 0], [1, 0, 0], [0, -1, -1], [0, -1, -1]], float)
    pred = np.array([[1, 3, 4],    # d = 5 <= 8: TP
                     [1, 30, 0],   # too far: FP
                     [0, -1, -1],  # FN
                     [1, 5, 5],    # FP (no ball)
                     [0, -1, -1]], float)
    r = tracking_prf(gt, pred, tol=8)
    assert (r['tp'], r['fp'], r['fn']) == (1, 2, 1)
    assert r['precision'] == pytest.approx(1 / 3) and r['recall'] == pytest.approx(1 / 2)
    assert r['f1'] == pytest.approx(2 * (1 / 3) * (1 / 2) / (1 / 3 + 1 / 2))


def test_length_mismatch_raises():
    with pytest.raises(ValueError, match='2 ground-truth frames but 1'):
        sibatracc_errors(np.zeros((2, 3)), np.zeros((1, 3)))
