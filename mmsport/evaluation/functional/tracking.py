"""Ball-tracking scores (METRICS.md, "Tennis ball tracking: SiBaTrAcc"), pure numpy."""
from typing import Dict

import numpy as np


def sibatracc_errors(gt: np.ndarray, pred: np.ndarray, step: float = 8.0,
                     alpha: float = 1.5, max_error: float = 5.0) -> np.ndarray:
    """Per-frame SiBaTrAcc position errors.

    Args:
        gt: (N, 3+) rows ``(code, x, y, ...)`` at full resolution.
        pred: (N, 3) rows ``(code, x, y)``; only ``code != 0`` matters.
        step, alpha, max_error: the definition's constants (8 px, 1.5, 5).

    Returns:
        np.ndarray: (N,) errors: 5 for a miss or a false alarm, 0 when both
        say "no ball", else ``min(floor(d / 8) ** 1.5, 5)``.
    """
    gt = np.asarray(gt, dtype=np.float64)
    pred = np.asarray(pred, dtype=np.float64)
    if len(gt) != len(pred):
        raise ValueError(f'{len(gt)} ground-truth frames but {len(pred)} predictions')
    g_on, p_on = gt[:, 0] != 0, pred[:, 0] != 0
    d = np.hypot(gt[:, 1] - pred[:, 1], gt[:, 2] - pred[:, 2])
    err = np.minimum(np.floor(d / step) ** alpha, max_error)
    err = np.where(g_on & p_on, err, 0.0)
    err = np.where(g_on != p_on, max_error, err)
    return err


def sibatracc(gt: np.ndarray, pred: np.ndarray) -> float:
    """SiBaTrAcc of one clip: ``1 - sum(errors) / (5 * N)``."""
    err = sibatracc_errors(gt, pred)
    return float(1.0 - err.sum() / (5.0 * len(err))) if len(err) else float('nan')


def running_sibatracc(gt: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """(N,) SiBaTrAcc over frames ``0..i`` for each i (for overlay videos)."""
    err = sibatracc_errors(gt, pred)
    return 1.0 - np.cumsum(err) / (5.0 * np.arange(1, len(err) + 1))


def tracking_prf(gt: np.ndarray, pred: np.ndarray, tol: float = 8.0) -> Dict[str, float]:
    """TrackNet-style precision/recall/F1 at a pixel tolerance.

    TP: ball in both and distance <= tol. FP: predicted ball where there is
    none, or farther than tol. FN: ball missed. A ball is any ``code != 0``.

    Returns:
        dict with ``tp, fp, fn, precision, recall, f1``.
    """
    gt = np.asarray(gt, dtype=np.float64)
    pred = np.asarray(pred, dtype=np.float64)
    g_on, p_on = gt[:, 0] != 0, pred[:, 0] != 0
    d = np.hypot(gt[:, 1] - pred[:, 1], gt[:, 2] - pred[:, 2])
    both = g_on & p_on
    tp = int((both & (d <= tol)).sum())
    fp = int((p_on & ~g_on).sum() + (both & (d > tol)).sum())
    fn = int((g_on & ~p_on).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return dict(tp=tp, fp=fp, fn=fn, precision=precision, recall=recall, f1=f1)
