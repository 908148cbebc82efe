"""SoccerNet action-spotting mAP (docs/metrics.md), vectorised, same values as the reference.

The reference is ``SoccerNet/Evaluation/ActionSpotting.py`` (PyPI SoccerNet 0.2.0).
Per half it builds (T, C) arrays with T = 120 * 60 * fps: labels hold +1 (visible) /
-1 ("not shown") / 0, predictions hold the confidence or -1 (none; the last prediction
written to a (frame, class) cell wins). For each GT in time order the highest-scoring
unmatched prediction within ``+-delta/2`` frames is a true positive (greedy; the first in
time on a tie). Precision/recall over 200 thresholds, 11-point interpolated AP, mAP =
mean over all classes, and the average over tolerances by the trapezoid rule.

Here the split is kept sparse: every labelled or predicted (half, class, frame) cell is
one entry of an :class:`Events` table, addressed by the integer key
``(half * C + class) * T + frame`` (sorted keys = the reference's time order within
each half and class). All halves, classes and tolerances are evaluated together:

* matching (:func:`greedy_match`): each GT's window is a slice of the sorted prediction
  keys (``searchsorted``). GTs whose windows overlap form a chain and must be matched in
  time order; GTs of different chains never compete. Step k matches the k-th GT of
  every chain of every (tolerance, half, class) at once, so the Python loop runs as many
  times as the longest chain (a handful), not once per (half, class, tolerance);
* precision/recall (:func:`precision_recall`): scores are binned by the 200 thresholds
  (``searchsorted``), counted with ``bincount`` and summed from the top;
* 11-point AP, mean over classes and the trapezoid rule follow the reference's order of
  floating-point operations, so the values are the same to the last bit in practice.

Dense (T, C) arrays (:func:`labels_to_vectors`, :func:`average_map`) are kept for the
callers that have them; :func:`average_map_events` is the sparse entry point.
"""
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np

# class lists live with the label format (re-exported here)
from mmsport.fileio.soccernet import BALL_CLASSES_2023 as BALL_2023_CLASSES  # noqa: F401
from mmsport.fileio.soccernet import V2_CLASSES  # noqa: F401
from .spotting_matching import (argmax_in_windows, chain_steps, closest_values,  # noqa: F401
                                closest_vector, greedy_match, match_class, match_windows,
                                tolerance_halfwidths)

DELTAS = {
    'loose': np.arange(12) * 5 + 5,
    'tight': np.arange(5) * 1 + 1,
    **{f'at{k}': np.array([k]) for k in range(1, 6)},
}
THRESHOLDS = np.linspace(0, 1, 200)
HALF_VECTOR_SECONDS = 120 * 60
AP_LEVELS = np.arange(11) / 10
SUBSETS = ('all', 'visible', 'unshown')


class Events(NamedTuple):
    """Sparse (half, class, frame) cells of a whole split; all fields are (N,) arrays.

    ``half`` is a 0-based index over the split (game i's halves are 2i and 2i + 1),
    ``value`` is +1 / -1 for labels (visible / not shown) and the confidence for
    predictions. Cells may repeat (file order; the last one wins, see :func:`cell_table`).
    """
    half: np.ndarray  # int64
    label: np.ndarray  # int64
    frame: np.ndarray  # int64
    value: np.ndarray  # float64


def half_size(framerate: float) -> int:
    """T, the number of frames of the reference's per-half arrays."""
    return int(HALF_VECTOR_SECONDS * framerate)


def position_to_frame(position_ms, framerate: float) -> int:
    """Frame of a ``position`` (ms, int or str) exactly as the reference computes it."""
    return int(framerate * (int(position_ms) / 1000))


def _make_events(half, label, frame, value) -> Events:
    return Events(np.asarray(half, np.int64), np.asarray(label, np.int64),
                  np.asarray(frame, np.int64), np.asarray(value, np.float64))


def concat_events(parts: Sequence[Events]) -> Events:
    """Concatenate event tables (order kept)."""
    if not parts:
        return _make_events([], [], [], [])
    return Events(*(np.concatenate(f) for f in zip(*parts)))


def positions_to_frames(positions: Sequence, framerate: float) -> np.ndarray:
    """(N,) int64 frames of positions (ms, int or str), as :func:`position_to_frame`.

    The same float64 operations (``ms / 1000``, times the framerate, truncation),
    done on arrays.
    """
    ms = np.fromiter(map(int, positions), np.int64, len(positions))
    return (framerate * (ms / 1000)).astype(np.int64)


def _game_time_frame(game_time: str, framerate: float) -> int:
    """Frame of a ``"1 - mm:ss"`` game time (labels without ``position``)."""
    return int(framerate * (int(game_time[-2:]) + 60 * int(game_time[-5:-3])))


def _select(half: np.ndarray, label: np.ndarray) -> np.ndarray:
    """(N,) bool: rows of a known class (label >= 0) in half 1 or 2."""
    return (label >= 0) & ((half == 1) | (half == 2))


def labels_to_events(annotations: Sequence[dict], classes: Sequence[str], framerate: float,
                     first_half: int = 0) -> Events:
    """``Labels*.json`` annotations -> :class:`Events` (value +1, or -1 if "not shown").

    Halves 1 and 2 become ``first_half`` and ``first_half + 1``; other halves and
    classes not in ``classes`` are ignored, as in the reference. Without
    ``position`` the frame comes from ``gameTime`` (seconds precision).
    """
    index = {c: i for i, c in enumerate(classes)}
    n = len(annotations)
    label = np.fromiter((index.get(a['label'], -1) for a in annotations), np.int64, n)
    half = np.fromiter((int(a['gameTime'][0]) for a in annotations), np.int64, n)
    if all('position' in a for a in annotations):
        frame = positions_to_frames([a['position'] for a in annotations], framerate)
    else:
        frame = np.array([position_to_frame(a['position'], framerate) if 'position' in a
                          else _game_time_frame(a['gameTime'], framerate)
                          for a in annotations], np.int64).reshape(n)
    value = np.fromiter((a.get('visibility') != 'not shown' for a in annotations), bool, n)
    keep = _select(half, label)
    return Events(half[keep] + first_half - 1, label[keep], frame[keep],
                  np.where(value[keep], 1.0, -1.0))


def predictions_to_events(predictions: Sequence[dict], classes: Sequence[str],
                          framerate: float, first_half: int = 0) -> Events:
    """``results_spotting.json`` predictions -> :class:`Events` (value = confidence)."""
    index = {c: i for i, c in enumerate(classes)}
    n = len(predictions)
    label = np.fromiter((index.get(p['label'], -1) for p in predictions), np.int64, n)
    half = np.fromiter((int(p['half']) for p in predictions), np.int64, n)
    frame = positions_to_frames([p['position'] for p in predictions], framerate)
    keep = _select(half, label)
    conf = np.fromiter((float(p['confidence']) for p, k in zip(predictions, keep.tolist())
                        if k), np.float64)
    return Events(half[keep] + first_half - 1, label[keep], frame[keep], conf)


def cell_table(events: Events, n_classes: int, size: int) -> Tuple[np.ndarray, np.ndarray]:
    """Sorted unique cell keys and their values, the last write of each cell winning.

    Frames past the end go to the last frame and negative ones count from the end, as
    when the reference writes into its (T, C) arrays.

    Returns:
        tuple: ``keys`` (K,) int64 ``(half * n_classes + class) * size + frame``,
        ascending, and ``values`` (K,) float64.
    """
    frame = np.minimum(events.frame, size - 1)
    frame = np.where(frame < 0, frame + size, frame)
    keys = (events.half * n_classes + events.label) * size + frame
    order = np.argsort(keys, kind='stable')
    k = keys[order]
    last = np.ones(len(k), bool)
    last[:-1] = k[1:] != k[:-1]
    return k[last], events.value[order[last]]


def _events_to_vectors(events: Events, n_classes: int, framerate: float,
                       fill: float) -> Tuple[np.ndarray, np.ndarray]:
    """Events of halves 0 and 1 -> two (T, C) arrays, other cells ``fill``."""
    size = half_size(framerate)
    keys, values = cell_table(events, n_classes, size)
    out = np.full((2 * n_classes * size,), fill)
    out[keys] = values
    out = out.reshape(2, n_classes, size).transpose(0, 2, 1)
    return np.ascontiguousarray(out[0]), np.ascontiguousarray(out[1])


def labels_to_vectors(annotations: Sequence[dict], classes: Sequence[str],
                      framerate: float) -> Tuple[np.ndarray, np.ndarray]:
    """``Labels*.json`` annotations -> (T, C) arrays for halves 1 and 2 (+1 / -1 / 0)."""
    return _events_to_vectors(labels_to_events(annotations, classes, framerate),
                              len(classes), framerate, 0.0)


def predictions_to_vectors(predictions: Sequence[dict], classes: Sequence[str],
                           framerate: float) -> Tuple[np.ndarray, np.ndarray]:
    """``results_spotting.json`` predictions -> (T, C) confidence arrays (-1 = none)."""
    return _events_to_vectors(predictions_to_events(predictions, classes, framerate),
                              len(classes), framerate, -1.0)


def vectors_to_events(arrays: Sequence[np.ndarray], keep) -> Events:
    """Per-half (T, C) arrays -> :class:`Events` of the cells where ``keep(array)``."""
    parts = []
    for h, a in enumerate(arrays):
        c, f = np.nonzero(keep(a).T)
        parts.append(Events(np.full(len(f), h, np.int64), c.astype(np.int64),
                            f.astype(np.int64), a[f, c].astype(np.float64)))
    return concat_events(parts)


def _counts_at_thresholds(counts: np.ndarray) -> np.ndarray:
    """(..., 201) counts per threshold bin -> (..., 200) counts with score >= threshold j.

    Bin b holds the scores with exactly b thresholds <= score, so threshold j counts
    the bins b > j.
    """
    from_top = np.cumsum(counts[..., ::-1], axis=-1)[..., ::-1]
    return from_top[..., 1:].astype(np.float64)


def _subset_counts(cell: np.ndarray, part: np.ndarray, lead: np.ndarray, n_lead: int,
                   n_cells: int) -> np.ndarray:
    """Count entries per (lead, subset, cell); subset 0 ('all') gets every entry, subset
    ``part`` (1 visible, 2 unshown, 0 neither) gets it once more.

    Args:
        cell: (N,) cell index in ``[0, n_cells)``; part: (N,) 0/1/2; lead: (N,) in
            ``[0, n_lead)``.

    Returns:
        (n_lead * 3 * n_cells,) int64 counts.
    """
    two = np.flatnonzero(part > 0)
    keys = np.concatenate([lead * 3 * n_cells + cell,
                           (lead[two] * 3 + part[two]) * n_cells + cell[two]])
    return np.bincount(keys, minlength=n_lead * 3 * n_cells)


def precision_recall(pred_class: np.ndarray, scores: np.ndarray, closest: np.ndarray,
                     is_tp: np.ndarray, n_gt: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Precision and recall at the 200 thresholds (``score >= t``), as the reference.

    Subsets (axis 1, :data:`SUBSETS`): all predictions, those whose closest GT is
    visible (``closest > 0.5``) and those whose closest GT is not shown (``< -0.5``).
    0 / 0 and x / 0 become ``np.nan_to_num`` of the quotient, as upstream.

    Args:
        pred_class: (P,) class of each prediction.
        scores: (P,) confidences.
        closest: (P,) the closest label value at each prediction.
        is_tp: (D, P) true positives per tolerance.
        n_gt: (3, C) number of GTs of each subset and class.

    Returns:
        tuple: ``precision``, ``recall``, each (D, 3, C, 200).
    """
    n_d, n_cls = is_tp.shape[0], n_gt.shape[1]
    n_bins = len(THRESHOLDS) + 1
    cell = pred_class * n_bins + np.searchsorted(THRESHOLDS, scores, side='right')
    part = np.where(closest > 0.5, 1, np.where(closest < -0.5, 2, 0))  # 0: neither
    n_pred = _subset_counts(cell, part, np.zeros(len(cell), np.int64), 1, n_cls * n_bins)
    d, p = np.nonzero(is_tp)
    n_tp = _subset_counts(cell[p], part[p], d, n_d, n_cls * n_bins)
    n_pred = n_pred.reshape(3, n_cls, n_bins)
    n_tp = n_tp.reshape(n_d, 3, n_cls, n_bins)
    tp_at, pred_at = _counts_at_thresholds(n_tp), _counts_at_thresholds(n_pred)
    with np.errstate(divide='ignore', invalid='ignore'):
        precision = np.nan_to_num(tp_at / pred_at)
        recall = np.nan_to_num(tp_at / n_gt.astype(np.float64)[None, :, :, None])
    return precision, recall


def ap_11_point(precision: np.ndarray, recall: np.ndarray) -> np.ndarray:
    """(..., K) curves -> (...,) 11-point interpolated AP (levels summed in order, / 11)."""
    ap = np.zeros(precision.shape[:-1])
    for level in AP_LEVELS:
        ap = ap + np.where(recall >= level, precision, 0.0).max(axis=-1, initial=0.0)
    return ap / 11


def trapezoid(values: np.ndarray) -> np.ndarray:
    """Mean of a curve sampled at evenly spaced tolerances (trapezoid rule), over axis 0.

    Summed in order, as the reference does. A single sample is returned as is.
    """
    v = np.asarray(values, dtype=np.float64)
    if len(v) == 1:
        return v[0]
    total = np.zeros(v.shape[1:])
    for a, b in zip(v[:-1], v[1:]):
        total = total + (a + b) / 2
    return total / (len(v) - 1)


def average_map_events(labels: Events, predictions: Events, n_classes: int,
                       framerate: float, deltas: Sequence[float],
                       size: Optional[int] = None) -> Dict[str, object]:
    """The reference's ``average_mAP`` of a whole split given as :class:`Events`.

    Args:
        labels: the split's label cells (value +1 / -1).
        predictions: the split's prediction cells (value = confidence; < 0 = none).
        n_classes: C.
        framerate: frames per second of the frames.
        deltas: tolerances in seconds (e.g. ``DELTAS['tight']``).
        size: frames per half (default :func:`half_size`).

    Returns:
        dict with the keys of ``SoccerNet...evaluate`` (``a_mAP``, ``a_mAP_per_class``,
        ``a_mAP_visible``, ..., per-class values as lists).
    """
    size = half_size(framerate) if size is None else int(size)
    gt_keys, gt_values = cell_table(labels, n_classes, size)
    keep = gt_values != 0
    gt_keys, gt_values = gt_keys[keep], gt_values[keep]
    pred_keys, scores = cell_table(predictions, n_classes, size)
    keep = scores >= 0
    pred_keys, scores = pred_keys[keep], scores[keep]

    gt_class = gt_keys // size % n_classes
    n_gt = np.stack([np.bincount(gt_class[m], minlength=n_classes) for m in
                     (np.ones(len(gt_keys), bool), gt_values > 0, gt_values < 0)])
    closest = closest_values(gt_keys, gt_values, pred_keys, size)
    is_tp = greedy_match(gt_keys, pred_keys, scores, tolerance_halfwidths(deltas, framerate),
                         size)
    precision, recall = precision_recall(pred_keys // size % n_classes, scores, closest,
                                         is_tp, n_gt)
    per_class = ap_11_point(precision, recall)  # (D, 3, C)
    curve = per_class.mean(axis=-1)  # mAP per tolerance, (D, 3)
    a_map, a_per_class = trapezoid(curve), trapezoid(per_class)
    a_uns = float(a_map[2])
    if len(per_class) > 1:
        a_uns = a_uns * 17 / 13  # hard-coded upstream for the v2 label set
    return dict(a_mAP=float(a_map[0]), a_mAP_per_class=a_per_class[0].tolist(),
                a_mAP_visible=float(a_map[1]), a_mAP_per_class_visible=a_per_class[1].tolist(),
                a_mAP_unshown=a_uns, a_mAP_per_class_unshown=a_per_class[2].tolist())


def average_map(targets: List[np.ndarray], detections: List[np.ndarray], framerate: float,
                deltas: Sequence[float]) -> Dict[str, object]:
    """The reference's ``average_mAP`` on per-half arrays (keys as in ``...evaluate``).

    Args:
        targets: per half (T, C) label arrays (+1 / -1 / 0).
        detections: per half (T, C) confidence arrays (-1 = none).
        framerate: frames per second of the arrays.
        deltas: tolerances in seconds (e.g. ``DELTAS['tight']``).
    """
    n_classes = targets[0].shape[1]
    size = max(a.shape[0] for a in list(targets) + list(detections))
    return average_map_events(vectors_to_events(targets, lambda a: a != 0),
                              vectors_to_events(detections, lambda a: a >= 0), n_classes,
                              framerate, deltas, size)
