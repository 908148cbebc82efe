"""Tracklets for player re-identification: link detections, pool their embeddings.

A tracklet is a chain of detections of one group (same quarter / session /
camera angle) in nearby frames whose boxes overlap. Predicting one identity
per tracklet from its mean embedding is steadier than per detection
(basketball ReID seed, inference stage).
"""
from typing import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from mmsport.structures.boxes import box_iou_xywh  # noqa: F401  (re-exported)

_EPS = 1e-12


def _factorize(keys: Sequence) -> np.ndarray:
    """(N,) hashable keys (or (N, K) rows, taken as tuples) -> (N,) int group codes."""
    arr = np.asarray(keys) if not isinstance(keys, np.ndarray) else keys
    if arr.ndim == 2:
        keys = [tuple(row) for row in arr.tolist()]
    elif arr.ndim == 1 and arr.dtype != object:
        return np.unique(arr, return_inverse=True)[1].reshape(-1).astype(np.int64)
    codes = {}
    return np.array([codes.setdefault(k, len(codes)) for k in keys], dtype=np.int64)


def build_tracklets(group_keys: Sequence, frames: Sequence[int], boxes: np.ndarray,
                    max_frame_gap: int = 2, min_iou: float = 0.3) -> np.ndarray:
    """Link detections into tracklets by frame proximity and box overlap.

    Within each group (e.g. quarter / session / angle), frames are processed
    in increasing order. A tracklet is *open* while its last detection is at
    most ``max_frame_gap`` frames before the current frame (``max_frame_gap=2``
    bridges one missing frame). The detections of a frame are assigned
    one-to-one to open tracklets by maximising the total IoU with the last box
    of each tracklet (``scipy.optimize.linear_sum_assignment`` on the
    vectorised IoU matrix); a pair is only linked when its IoU is
    ``>= min_iou``. Unlinked detections start new tracklets. Detections of
    different groups are never linked.

    Args:
        group_keys: (N,) hashable group of each detection (str, int, tuple) or
            (N, K) array whose rows are the key.
        frames: (N,) integer frame index of each detection.
        boxes: (N, 4) ``(x, y, w, h)`` boxes.
        max_frame_gap: largest frame difference that still links.
        min_iou: smallest IoU that links.

    Returns:
        (N,) int64 tracklet ids, 0..T-1, numbered in order of first appearance
        (group order of first appearance, then frame).
    """
    frames = np.asarray(frames, dtype=np.int64).reshape(-1)
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    groups = _factorize(group_keys)
    n = len(frames)
    if len(groups) != n or len(boxes) != n:
        raise ValueError(f'group_keys ({len(groups)}), frames ({n}) and boxes ({len(boxes)}) '
                         'must have the same length')
    out = np.full(n, -1, np.int64)
    if not n:
        return out
    # renumber groups by first appearance, then sort by (group, frame, row)
    first_seen = np.full(groups.max() + 1, n, np.int64)
    np.minimum.at(first_seen, groups, np.arange(n))
    group_rank = np.argsort(np.argsort(first_seen, kind='stable'), kind='stable')[groups]
    order = np.lexsort((np.arange(n), frames, group_rank))
    g_sorted, f_sorted = group_rank[order], frames[order]
    # boundaries of (group, frame) runs
    change = np.flatnonzero((np.diff(g_sorted) != 0) | (np.diff(f_sorted) != 0)) + 1
    starts = np.concatenate([[0], change])
    ends = np.concatenate([change, [n]])
    next_id = 0
    cur_group = None
    open_ids = np.zeros(0, np.int64)
    open_last = np.zeros(0, np.int64)
    open_boxes = np.zeros((0, 4))
    for s, e in zip(starts, ends):
        rows = order[s:e]
        group, frame = g_sorted[s], f_sorted[s]
        if group != cur_group:  # new group: nothing open
            cur_group = group
            open_ids, open_last, open_boxes = open_ids[:0], open_last[:0], open_boxes[:0]
        alive = frame - open_last <= max_frame_gap
        open_ids, open_last, open_boxes = open_ids[alive], open_last[alive], open_boxes[alive]
        det_boxes = boxes[rows]
        ids = np.full(len(rows), -1, np.int64)
        if len(open_ids):
            iou = box_iou_xywh(det_boxes, open_boxes)  # (D, A)
            weight = np.where(iou >= min_iou, iou, 0.0)
            r, c = linear_sum_assignment(weight, maximize=True)
            ok = iou[r, c] >= min_iou
            r, c = r[ok], c[ok]
            ids[r] = open_ids[c]
            open_last[c] = frame
            open_boxes[c] = det_boxes[r]
        new = ids < 0
        ids[new] = np.arange(next_id, next_id + new.sum())
        next_id += int(new.sum())
        out[rows] = ids
        open_ids = np.concatenate([open_ids, ids[new]])
        open_last = np.concatenate([open_last, np.full(new.sum(), frame, np.int64)])
        open_boxes = np.concatenate([open_boxes, det_boxes[new]])
    return out


def aggregate_tracklets(embeddings: np.ndarray, tracklet_ids: Sequence[int],
                        normalize_inputs: bool = True) -> np.ndarray:
    """L2-normalised mean embedding of every tracklet.

    Args:
        embeddings: (N, D) detection embeddings.
        tracklet_ids: (N,) tracklet id of each detection, in 0..T-1.
        normalize_inputs: L2-normalise each embedding before averaging.

    Returns:
        (T, D) float32, T = max id + 1 (ids without detections give zero rows).
    """
    emb = np.asarray(embeddings, dtype=np.float64)
    ids = np.asarray(tracklet_ids, dtype=np.int64).reshape(-1)
    if emb.ndim != 2 or len(emb) != len(ids):
        raise ValueError(f'embeddings must be (N, D) with N = len(tracklet_ids) = {len(ids)}, '
                         f'got {emb.shape}')
    if len(ids) and ids.min() < 0:
        raise ValueError('tracklet ids must be >= 0')
    if normalize_inputs:
        emb = emb / np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), _EPS)
    num_t = int(ids.max()) + 1 if len(ids) else 0
    sums = np.zeros((num_t, emb.shape[1]))
    np.add.at(sums, ids, emb)
    counts = np.bincount(ids, minlength=num_t)[:, None]
    mean = sums / np.maximum(counts, 1)
    norm = np.linalg.norm(mean, axis=1, keepdims=True)
    return (mean / np.maximum(norm, _EPS)).astype(np.float32)


def tracklet_labels_to_rows(tracklet_pred: Sequence, tracklet_ids: Sequence[int]) -> np.ndarray:
    """Spread one prediction per tracklet back to its detections.

    Args:
        tracklet_pred: (T,) prediction of each tracklet.
        tracklet_ids: (N,) tracklet id of each detection.

    Returns:
        (N,) ``tracklet_pred[tracklet_ids]``.
    """
    return np.asarray(tracklet_pred)[np.asarray(tracklet_ids, dtype=np.int64).reshape(-1)]
