"""Matching of the SoccerNet spotting evaluator, vectorised (pure numpy).

Detections are matched to ground truth the way the reference does it: for each GT in
time order, the highest-scoring unmatched prediction within ``+-delta/2`` frames (the
first in time on a tie). Keys are the sorted integer cell keys of
:mod:`.spotting` (``(half * C + class) * T + frame``); GTs whose windows overlap form
a chain and are matched in time order, one chain step for every chain at once
(:func:`greedy_match`). :func:`closest_vector` / :func:`closest_values` give each
prediction its nearest GT's visibility, for the visible / unshown subsets.
"""
from typing import List, Sequence, Tuple

import numpy as np


def closest_values(gt_keys: np.ndarray, gt_values: np.ndarray, query_keys: np.ndarray,
                   size: int) -> np.ndarray:
    """The reference's "closest" label value at each queried cell.

    Within a (half, class), GT k (frames g_1 < g_2 < ...) owns the frames from
    ``(g_{k-1} + g_k) // 2`` (0 for the first) up to the next GT's start; cells of a
    (half, class) without GT get -1.

    Args:
        gt_keys: (G,) sorted cell keys of the labels (see :func:`cell_table`).
        gt_values: (G,) their values (+1 / -1).
        query_keys: cell keys to look up, any shape.
        size: T, frames per half.

    Returns:
        float64 array of ``query_keys``' shape.
    """
    if len(gt_keys) == 0:
        return np.full(np.shape(query_keys), -1.0)
    frame = gt_keys % size
    group = gt_keys // size
    start = np.zeros(len(gt_keys), np.int64)
    same = group[1:] == group[:-1]
    start[1:] = np.where(same, (frame[:-1] + frame[1:]) // 2, 0)
    owner = np.searchsorted(gt_keys - frame + start, query_keys, side='right') - 1
    owner_c = np.maximum(owner, 0)
    found = (owner >= 0) & (group[owner_c] == query_keys // size)
    return np.where(found, gt_values[owner_c], -1.0)


def closest_vector(target: np.ndarray) -> np.ndarray:
    """(T, C): for every frame the value (+1/-1) of the nearest GT of each class."""
    n, n_cls = target.shape
    cls, frame = np.nonzero(target.T)
    keys = cls * n + frame
    every = np.arange(n * n_cls).reshape(n_cls, n)
    return closest_values(keys, target[frame, cls].astype(np.float64), every, n).reshape(
        n_cls, n).T.copy()


def tolerance_halfwidths(deltas: Sequence[float], framerate: float) -> np.ndarray:
    """(D,) int64: a GT at g matches frames p with ``|p - g| <= halfwidth``.

    The reference tests ``|p - g| <= delta * framerate / 2`` on integers, which is
    ``|p - g| <= floor(delta * framerate / 2)``.
    """
    width = np.asarray(deltas) * framerate
    return np.floor(width / 2).astype(np.int64)


def match_windows(gt_keys: np.ndarray, pred_keys: np.ndarray, halfwidths: np.ndarray,
                  size: int) -> Tuple[np.ndarray, np.ndarray]:
    """Each GT's candidate predictions as a slice ``[lo, hi)`` of the sorted predictions.

    Args:
        gt_keys: (G,) sorted GT cell keys.
        pred_keys: (P,) sorted prediction cell keys.
        halfwidths: (D,) window half-widths in frames.
        size: T; windows are clipped to their own half.

    Returns:
        tuple: ``lo``, ``hi``, each (D, G) int64 indices into ``pred_keys``.
    """
    frame = gt_keys % size
    base = gt_keys - frame
    h = np.asarray(halfwidths, np.int64)[:, None]
    lo_keys = base + np.maximum(frame - h, 0)
    hi_keys = base + np.minimum(frame + h, size - 1)
    return (np.searchsorted(pred_keys, lo_keys, side='left'),
            np.searchsorted(pred_keys, hi_keys, side='right'))


def chain_steps(lo: np.ndarray, hi: np.ndarray) -> List[np.ndarray]:
    """Split the GTs into steps that can each be matched at once.

    Windows are non-decreasing in ``lo`` and ``hi`` along the (flattened) GT order. A GT
    whose window overlaps the previous GT's continues that GT's chain; step k holds the
    k-th GT of every chain (windows within a step are disjoint and ascending). GTs with
    an empty window match nothing and are left out.

    Args:
        lo, hi: (N,) window bounds.

    Returns:
        list of (N_k,) int64 index arrays into the GTs, in step order.
    """
    n = len(lo)
    if n == 0:
        return []
    new_chain = np.ones(n, bool)
    new_chain[1:] = lo[1:] >= hi[:-1]
    starts = np.flatnonzero(new_chain)
    rank = np.arange(n) - np.repeat(starts, np.diff(np.append(starts, n)))
    useful = np.flatnonzero(lo < hi)
    rank = rank[useful]
    order = useful[np.argsort(rank, kind='stable')]
    return np.split(order, np.cumsum(np.bincount(rank))[:-1]) if len(rank) else []


def argmax_in_windows(values: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Index of the first maximum of ``values[lo:hi]`` for disjoint ascending windows.

    Args:
        values: (P,) float64.
        lo, hi: (W,) non-empty, disjoint, ascending windows.

    Returns:
        (W,) int64 indices into ``values``; -1 where the maximum is -inf (nothing left).
    """
    length = hi - lo
    start = np.cumsum(length) - length  # where each window begins in the gathered array
    idx = np.arange(int(length.sum())) + np.repeat(lo - start, length)
    v = values[idx]
    best = np.maximum.reduceat(v, start)
    hits = np.flatnonzero(v == np.repeat(best, length))
    first = hits[np.searchsorted(hits, start)]  # each window holds at least one hit
    return np.where(best > -np.inf, idx[first], -1)


def greedy_match(gt_keys: np.ndarray, pred_keys: np.ndarray, scores: np.ndarray,
                 halfwidths: np.ndarray, size: int) -> np.ndarray:
    """The reference's greedy matching, for every (tolerance, half, class) at once.

    For each GT in time order, the highest-scoring still unmatched prediction of its
    (half, class) within ``halfwidth`` frames (the first in time on a tie) becomes a true
    positive.

    Args:
        gt_keys: (G,) sorted GT cell keys.
        pred_keys: (P,) sorted prediction cell keys.
        scores: (P,) confidences, >= 0.
        halfwidths: (D,) window half-widths in frames.
        size: T, frames per half.

    Returns:
        (D, P) bool: which predictions are true positives at each tolerance.
    """
    n_d, n_p = len(halfwidths), len(pred_keys)
    lo, hi = match_windows(gt_keys, pred_keys, halfwidths, size)
    shift = (np.arange(n_d, dtype=np.int64) * n_p)[:, None]  # tolerance d uses copy d
    lo, hi = (lo + shift).ravel(), (hi + shift).ravel()
    free = np.tile(np.asarray(scores, np.float64), n_d)
    is_tp = np.zeros(n_d * n_p, bool)
    for step in chain_steps(lo, hi):
        pick = argmax_in_windows(free, lo[step], hi[step])
        pick = pick[pick >= 0]
        is_tp[pick] = True
        free[pick] = -np.inf
    return is_tp.reshape(n_d, n_p)


def match_class(target: np.ndarray, detection: np.ndarray, delta: float):
    """Greedy matching of one class in one half (see :func:`greedy_match`).

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
    h = np.floor(np.asarray([delta], np.float64) / 2).astype(np.int64)
    is_tp = greedy_match(gt_idx, pred_idx, scores, h, len(target))[0]
    return pred_idx, scores, is_tp, int((target > 0).sum()), int((target < 0).sum())
