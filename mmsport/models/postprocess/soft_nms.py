"""Temporal (soft-)NMS of per-timestep class scores and sliding-window merging (COMEDIAN).

Soft-NMS (docs/metrics.md, "Spotting post-processing"), per class ``c``: while the
largest remaining score ``s[i*, c]`` is ``>= threshold``, keep ``(i*, c, s[i*, c])``,
multiply every score within ``R = ceil(radius)`` timesteps of ``i*``
(``radius = window / 2``) by ``clip(min_w + (1 - min_w) * |i - i*| / radius, 0, 1)``
(``mode='linear'``) or zero the ones with ``|i - i*| <= radius`` (``mode='hard'``,
greedy hard-NMS), then mark ``i*`` done. Ties go to the earliest timestep (the
first ``argmax``), as in the reference (eztorch ``perform_soft_NMS``). The
reported score of a kept timestep is its (decayed) value when it is kept; kept
scores of a class never increase from one pick to the next.

Vectorisation: every iteration picks the current maximum of *all* classes at
once and applies a ``(A, 2R + 1)`` weight stencil to the ``A`` active classes by
fancy indexing on a padded copy. The argmax is two-level: the timesteps are cut
into ``nb`` blocks of ``B = max(2R + 1, ceil(sqrt(T)))`` rows, a ``(nb, C)``
table holds each block's maximum, and after an update only the (at most two)
blocks a stencil touched are recomputed. Cost: ``O(T * C)`` set-up, then
``K`` iterations of ``O(C * (nb + B) + A * R)`` with ``K`` the largest number of
kept timesteps of one class, i.e. about ``O(T * C + K * C * sqrt(T))`` instead
of the naive ``O(K * C * T)``. Kept sets and scores are bitwise equal to the
naive per-class loop (same float64 multiplications in the same order).
"""
import math
from typing import Optional, Sequence, Tuple

import numpy as np

_DONE = -1.0  # kept timesteps (never picked again: threshold > 0)
_PAD = -2.0  # rows outside the video


def _check(scores: np.ndarray, window: float, threshold: float, mode: str) -> np.ndarray:
    s = np.asarray(scores)
    if s.ndim != 2:
        raise ValueError(f'scores must be (T, C), got shape {s.shape}')
    if not window > 0:
        raise ValueError(f'window must be > 0 timesteps, got {window}')
    if not threshold > 0:
        raise ValueError(f'threshold must be > 0, got {threshold}')
    if mode not in ('linear', 'hard'):
        raise ValueError(f"mode must be 'linear' or 'hard', got {mode!r}")
    return np.nan_to_num(s.astype(np.float64, copy=True), nan=0.0)


def nms_weights(window: float, min_weight: float = 0.0, mode: str = 'linear') -> np.ndarray:
    """Decay stencil around a kept timestep.

    Args:
        window: NMS window in timesteps (radius ``window / 2``).
        min_weight: weight at distance 0 (``mode='linear'``).
        mode: ``'linear'`` (soft) or ``'hard'`` (0 within the radius, else 1).

    Returns:
        (2R + 1,) float64 weights for offsets ``-R..R``, ``R = ceil(window / 2)``.
    """
    radius = window / 2.0
    r = math.ceil(radius)
    d = np.arange(-r, r + 1)
    if mode == 'hard':
        return np.where(np.abs(d) <= radius, 0.0, 1.0)
    return np.clip(min_weight + (1.0 - min_weight) * np.abs(d / radius), 0.0, 1.0)


def soft_nms(scores: np.ndarray, window: float, threshold: float = 0.001,
             min_weight: float = 0.0, mode: str = 'linear',
             max_per_class: Optional[int] = None
             ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Soft (or greedy hard) temporal NMS of every class at once.

    Args:
        scores: (T, C) per-timestep class scores (NaN read as 0).
        window: NMS window in timesteps (e.g. 20 at 0.5 s a step); the decay
            radius is ``window / 2``.
        threshold: stop a class when its largest remaining score is below it
            (must be > 0).
        min_weight: linear decay weight at distance 0 (ignored by ``'hard'``).
        mode: ``'linear'`` (soft-NMS) or ``'hard'`` (zero the scores within
            ``+-window / 2`` of each kept timestep).
        max_per_class: keep at most this many timesteps per class (its first,
            i.e. highest, picks); None = no limit.

    Returns:
        tuple: ``times`` (N,) int64 timestep indices, ``classes`` (N,) int64,
        ``scores`` (N,) float64 (score when kept), sorted by (time, class).
        ``zip(*result)`` gives the ``(frame, class_index, confidence)`` spots that
        :func:`spots_to_predictions` takes.
    """
    s = _check(scores, window, threshold, mode)
    n, n_cls = s.shape
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64))
    if n == 0 or n_cls == 0 or (max_per_class is not None and max_per_class <= 0):
        return empty
    w = nms_weights(window, min_weight, mode)  # (2R + 1,)
    r = (len(w) - 1) // 2
    bsize = max(2 * r + 1, math.ceil(math.sqrt(n)))
    nb = -(-n // bsize)
    work = np.full((r + nb * bsize + r, n_cls), _PAD)  # padded rows: no bounds checks
    work[r:r + n] = s
    blocks = work[r:r + nb * bsize].reshape(nb, bsize, n_cls)  # a view of ``work``
    bmax = blocks.max(axis=1)  # (nb, C)
    cols = np.arange(n_cls)
    offs = np.arange(2 * r + 1)
    count = np.zeros(n_cls, np.int64)
    out_t, out_c, out_s = [], [], []
    while True:
        bi = bmax.argmax(axis=0)  # (C,) first block holding each class's max
        best = bmax[bi, cols]
        act = best >= threshold
        if max_per_class is not None:
            act &= count < max_per_class
        if not act.any():
            break
        c, b = cols[act], bi[act]  # (A,)
        t = b * bsize + blocks[b, :, c].argmax(axis=1)  # (A,) first max in the block
        out_t.append(t)
        out_c.append(c)
        out_s.append(best[act])
        count[c] += 1
        work[t[:, None] + offs, c[:, None]] *= w  # rows t-R..t+R (padded coordinates)
        work[t + r, c] = _DONE
        touched = np.stack([np.maximum(t - r, 0), np.minimum(t + r, nb * bsize - 1)],
                           axis=1) // bsize  # (A, 2): B >= 2R + 1
        bmax[touched, c[:, None]] = blocks[touched, :, c[:, None]].max(axis=-1)
    if not out_t:
        return empty
    t, c, v = np.concatenate(out_t), np.concatenate(out_c), np.concatenate(out_s)
    order = np.lexsort((c, t))
    return t[order].astype(np.int64), c[order].astype(np.int64), v[order]


def merge_windows(window_scores: Sequence[np.ndarray], starts: Sequence[int], total_len: int,
                  margin: int = 0, fill: float = 0.0) -> np.ndarray:
    """Merge overlapping sliding-window predictions into one (T, C) curve by max.

    Window ``k`` covers timesteps ``starts[k] .. starts[k] + L_k - 1``. Its first
    and last ``margin`` rows are dropped where they are inner edges: the first
    rows are kept when the window starts at (or before) timestep 0, the last
    ones when it reaches (or passes) ``total_len``. Rows outside ``[0, T)`` are
    ignored; timesteps no kept row covers hold ``fill``.

    Args:
        window_scores: list of (L_k, C) scores (lengths may differ).
        starts: (K,) first timestep of each window.
        total_len: T, the number of timesteps of the video.
        margin: rows dropped at each inner window edge (>= 0).
        fill: value of uncovered timesteps.

    Returns:
        (T, C) merged scores (dtype of the inputs, at least float32).
    """
    if len(window_scores) != len(starts):
        raise ValueError(f'{len(window_scores)} windows but {len(starts)} starts')
    if margin < 0:
        raise ValueError(f'margin must be >= 0, got {margin}')
    arrays = [np.asarray(a) for a in window_scores]
    if any(a.ndim != 2 for a in arrays) or len({a.shape[1] for a in arrays}) > 1:
        raise ValueError(f'windows must be (L, C) with one C, got '
                         f'{sorted({a.shape for a in arrays})}')
    n_cls = arrays[0].shape[1] if arrays else 0
    dtype = np.result_type(np.float32, *arrays)
    out = np.full((int(total_len), n_cls), -np.inf, dtype)
    for a, s in zip(arrays, starts):
        s, length = int(s), len(a)
        lo = 0 if s <= 0 else margin  # rows of the window kept: [lo, hi)
        hi = length if s + length >= total_len else length - margin
        lo, hi = max(lo, -s), min(hi, total_len - s)  # clip to the video
        if hi > lo:
            np.maximum(out[s + lo:s + hi], a[lo:hi], out=out[s + lo:s + hi])
    out[np.isneginf(out)] = fill
    return out
