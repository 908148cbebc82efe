"""SoccerNet action-spotting mAP (docs/metrics.md), vectorised, same values as the reference.

The reference is ``SoccerNet/Evaluation/ActionSpotting.py`` (PyPI SoccerNet 0.2.0).
Per half, labels and predictions become (T, C) arrays with T = 120 * 60 * fps:
labels hold +1 (visible) / -1 ("not shown") / 0, predictions hold the confidence
or -1 (none; the last prediction written to a (frame, class) cell wins). For
each GT in time order the highest-scoring unmatched prediction within
``+-delta/2`` frames is a true positive (greedy). Precision/recall over 200
thresholds, 11-point interpolated AP, mAP = mean over all classes, and the
average over tolerances by the trapezoid rule.

The reference scans every prediction of a window in Python for every GT and
every threshold; here each GT looks at a ``searchsorted`` slice, and the 200
thresholds are one ``searchsorted`` over sorted scores.
"""
from typing import Dict, List, Sequence, Tuple

import numpy as np

# class lists live with the label format (re-exported here)
from mmsport.fileio.soccernet import BALL_CLASSES_2023 as BALL_2023_CLASSES  # noqa: F401
from mmsport.fileio.soccernet import V2_CLASSES  # noqa: F401

DELTAS = {
    'loose': np.arange(12) * 5 + 5,
    'tight': np.arange(5) * 1 + 1,
    **{f'at{k}': np.array([k]) for k in range(1, 6)},
}
THRESHOLDS = np.linspace(0, 1, 200)
HALF_VECTOR_SECONDS = 120 * 60


def position_to_frame(position_ms, framerate: float) -> int:
    """Frame of a ``position`` (ms, int or str) exactly as the reference computes it."""
    return int(framerate * (int(position_ms) / 1000))


def labels_to_vectors(annotations: Sequence[dict], classes: Sequence[str],
                      framerate: float) -> Tuple[np.ndarray, np.ndarray]:
    """``Labels*.json`` annotations -> (T, C) arrays for halves 1 and 2.

    Annotations of other halves or of classes not in ``classes`` are ignored,
    as in the reference.
    """
    size = int(HALF_VECTOR_SECONDS * framerate)
    index = {c: i for i, c in enumerate(classes)}
    halves = (np.zeros((size, len(classes))), np.zeros((size, len(classes))))
    for a in annotations:
        label = index.get(a['label'])
        half = int(a['gameTime'][0])
        if label is None or half not in (1, 2):
            continue
        if 'position' in a:
            frame = position_to_frame(a['position'], framerate)
        else:
            t = a['gameTime']
            frame = int(framerate * (int(t[-2:]) + 60 * int(t[-5:-3])))
        value = -1 if a.get('visibility') == 'not shown' else 1
        halves[half - 1][min(frame, size - 1), label] = value
    return halves


def predictions_to_vectors(predictions: Sequence[dict], classes: Sequence[str],
                           framerate: float) -> Tuple[np.ndarray, np.ndarray]:
    """``results_spotting.json`` predictions -> (T, C) confidence arrays (-1 = none)."""
    size = int(HALF_VECTOR_SECONDS * framerate)
    index = {c: i for i, c in enumerate(classes)}
    halves = (np.full((size, len(classes)), -1.0), np.full((size, len(classes)), -1.0))
    for p in predictions:
        label = index.get(p['label'])
        half = int(p['half'])
        if label is None or half not in (1, 2):
            continue
        frame = min(position_to_frame(p['position'], framerate), size - 1)
        halves[half - 1][frame, label] = float(p['confidence'])
    return halves


def closest_vector(target: np.ndarray) -> np.ndarray:
    """(T, C): for every frame the value (+1/-1) of the nearest GT of each class."""
    closest = np.full(target.shape, -1.0)
    n = target.shape[0]
    for c in range(target.shape[1]):
        idx = np.flatnonzero(target[:, c] != 0)
        if len(idx) == 0:
            continue
        bounds = np.concatenate([[-idx[0]], idx, [2 * n]])
        starts = np.maximum(0, (bounds[:-2] + bounds[1:-1]) // 2)
        stops = np.minimum(n, (bounds[1:-1] + bounds[2:]) // 2)
        for s, e, v in zip(starts, stops, target[idx, c]):
            closest[s:e, c] = v
    return closest


def match_class(target: np.ndarray, detection: np.ndarray, delta: float):
    """Greedy matching of one class in one half.

    Args:
        target: (T,) +1 / -1 / 0.
        detection: (T,) confidences, -1 where there is no prediction.
        delta: the tolerance window in frames (a match needs |dt| <= delta / 2).

    Returns:
        tuple: ``pred_idx`` (P,) frames of the predictions, ``scores`` (P,),
        ``is_tp`` (P,) bool, and the numbers of visible and unshown GTs.
    """
    gt_idx = np.flatnonzero(target != 0)
    pred_idx = np.flatnonzero(detection >= 0)
    scores = detection[pred_idx]
    is_tp = np.zeros(len(pred_idx), bool)
    if len(pred_idx) and len(gt_idx):
        lo = np.searchsorted(pred_idx, gt_idx - delta / 2, side='left')
        hi = np.searchsorted(pred_idx, gt_idx + delta / 2, side='right')
        free = scores.astype(np.float64, copy=True)
        for a, b in zip(lo.tolist(), hi.tolist()):
            if a == b:
                continue
            k = a + int(np.argmax(free[a:b]))  # first of the highest unmatched scores
            if free[k] >= 0:
                is_tp[k] = True
                free[k] = -np.inf
    return pred_idx, scores, is_tp, int((target > 0).sum()), int((target < 0).sum())


def _pr_at_thresholds(scores: np.ndarray, is_tp: np.ndarray, n_gt: int):
    """Precision and recall at every threshold of THRESHOLDS (scores >= t)."""
    order = np.argsort(scores, kind='stable')
    s, tp = scores[order], is_tp[order].astype(np.float64)
    tp_suffix = np.concatenate([np.cumsum(tp[::-1])[::-1], [0.0]])  # TP among s[i:]
    first = np.searchsorted(s, THRESHOLDS, side='left')
    n_pred = len(s) - first
    tp_at = tp_suffix[first]
    with np.errstate(divide='ignore', invalid='ignore'):
        precision = np.nan_to_num(tp_at / n_pred)
        recall = np.nan_to_num(tp_at / n_gt)
    return precision, recall


def _ap_11_point(precision: np.ndarray, recall: np.ndarray) -> float:
    ap = 0.0
    for j in np.arange(11) / 10:
        ok = recall >= j
        ap += precision[ok].max() if ok.any() else 0.0
    return ap / 11


def map_at_delta(targets: List[np.ndarray], detections: List[np.ndarray],
                 closests: List[np.ndarray], delta: float) -> Dict[str, np.ndarray]:
    """Per-class AP (all, visible, unshown) at one tolerance of ``delta`` frames."""
    n_cls = targets[0].shape[1]
    out = {k: np.zeros(n_cls) for k in ('all', 'visible', 'unshown')}
    for c in range(n_cls):
        scores, tps, close, n_vis, n_uns = [], [], [], 0, 0
        for target, closest, det in zip(targets, closests, detections):
            idx, sc, tp, v, u = match_class(target[:, c], det[:, c], delta)
            scores.append(sc)
            tps.append(tp)
            close.append(closest[idx, c])
            n_vis += v
            n_uns += u
        sc, tp, cl = np.concatenate(scores), np.concatenate(tps), np.concatenate(close)
        for key, keep, n_gt in (('all', np.ones(len(sc), bool), n_vis + n_uns),
                                ('visible', cl > 0.5, n_vis), ('unshown', cl < -0.5, n_uns)):
            p, r = _pr_at_thresholds(sc[keep], tp[keep], n_gt)
            out[key][c] = _ap_11_point(p, r)
    return out


def trapezoid(values: np.ndarray) -> np.ndarray:
    """Mean of a curve sampled at evenly spaced tolerances (trapezoid rule), over axis 0.

    A single sample is returned as is.
    """
    v = np.asarray(values, dtype=np.float64)
    if len(v) == 1:
        return v[0]
    return ((v[:-1] + v[1:]) / 2).sum(axis=0) / (len(v) - 1)


def average_map(targets: List[np.ndarray], detections: List[np.ndarray], framerate: float,
                deltas: Sequence[float]) -> Dict[str, object]:
    """The reference's ``average_mAP`` (keys as in ``SoccerNet...evaluate``).

    Args:
        targets: per half (T, C) label arrays.
        detections: per half (T, C) confidence arrays.
        framerate: frames per second of the arrays.
        deltas: tolerances in seconds (e.g. ``DELTAS['tight']``).
    """
    closests = [closest_vector(t) for t in targets]
    per_delta = [map_at_delta(targets, detections, closests, d * framerate) for d in deltas]

    def integrate(key):
        per_class = np.stack([p[key] for p in per_delta])  # (D, C)
        curve = per_class.mean(axis=1)  # mAP per tolerance, (D,)
        return float(trapezoid(curve)), trapezoid(per_class).tolist()

    a_map, per_class = integrate('all')
    a_vis, per_class_vis = integrate('visible')
    a_uns, per_class_uns = integrate('unshown')
    if len(per_delta) > 1:
        a_uns = a_uns * 17 / 13  # hard-coded upstream for the v2 label set
    return dict(a_mAP=a_map, a_mAP_per_class=per_class, a_mAP_visible=a_vis,
                a_mAP_per_class_visible=per_class_vis, a_mAP_unshown=a_uns,
                a_mAP_per_class_unshown=per_class_uns)
