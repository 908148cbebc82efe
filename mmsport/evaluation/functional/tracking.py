"""Ball-tracking scores (docs/metrics.md, "Ball tracking"): SiBaTrAcc and TrackNet's
per-frame counts; pure numpy."""
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


#: TrackNetV2's tolerance: 4 px on its 512-pixel-wide frames (10 px at 1280x720).
TRACKNET_TOL_PX = 4.0
TRACKNET_TOL_WIDTH = 512


def tracknet_tolerance(frame_width: float) -> float:
    """TrackNetV2's pixel tolerance scaled to full-resolution frames of this width."""
    return TRACKNET_TOL_PX * float(frame_width) / TRACKNET_TOL_WIDTH


def tracknet_counts(gt: np.ndarray, pred: np.ndarray, tol: float) -> Dict[str, int]:
    """TrackNet's per-frame outcome counts at a pixel tolerance.

    A ball is any ``code != 0``. Per frame: TP both have a ball within ``tol``
    pixels; FP1 both have one, farther apart; FP2 a ball predicted where there
    is none; FN none predicted where there is one; TN neither has one.

    Args:
        gt, pred: (N, 3+) rows ``(code, x, y, ...)`` at full resolution.
        tol: tolerance in full-resolution pixels.

    Returns:
        dict with integer ``tp, fp1, fp2, fn, tn``.
    """
    gt = np.asarray(gt, dtype=np.float64)
    pred = np.asarray(pred, dtype=np.float64)
    if len(gt) != len(pred):
        raise ValueError(f'{len(gt)} ground-truth frames but {len(pred)} predictions')
    g_on, p_on = gt[:, 0] != 0, pred[:, 0] != 0
    d = np.hypot(gt[:, 1] - pred[:, 1], gt[:, 2] - pred[:, 2])
    both = g_on & p_on
    return dict(tp=int((both & (d <= tol)).sum()), fp1=int((both & (d > tol)).sum()),
                fp2=int((p_on & ~g_on).sum()), fn=int((g_on & ~p_on).sum()),
                tn=int((~g_on & ~p_on).sum()))


def tracknet_scores(counts: Dict[str, int]) -> Dict[str, float]:
    """Accuracy, precision, recall and F1 from :func:`tracknet_counts` (summed).

    accuracy = (TP + TN) / all; precision = TP / (TP + FP1 + FP2);
    recall = TP / (TP + FN); F1 their harmonic mean (0 where undefined).
    """
    tp, fp1, fp2, fn, tn = (counts[k] for k in ('tp', 'fp1', 'fp2', 'fn', 'tn'))
    total = tp + fp1 + fp2 + fn + tn
    precision = tp / (tp + fp1 + fp2) if tp + fp1 + fp2 else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return dict(accuracy=(tp + tn) / total if total else 0.0, precision=precision,
                recall=recall, f1=f1)


def tracking_prf(gt: np.ndarray, pred: np.ndarray, tol: float = 8.0) -> Dict[str, float]:
    """TrackNet-style precision/recall/F1 at a pixel tolerance.

    The counts of :func:`tracknet_counts` with FP = FP1 + FP2.

    Returns:
        dict with ``tp, fp, fn, precision, recall, f1``.
    """
    c = tracknet_counts(gt, pred, tol)
    s = tracknet_scores(c)
    return dict(tp=c['tp'], fp=c['fp1'] + c['fp2'], fn=c['fn'], precision=s['precision'],
                recall=s['recall'], f1=s['f1'])
