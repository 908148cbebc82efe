"""Trajectory post-processing for per-frame ball detections (pure numpy).

Both steps only look a bounded number of frames around each frame, so
:class:`StreamingTrajectoryPostprocessor` gives exactly the same result on a
stream, with a fixed delay and bounded memory.
"""
from collections import deque
from typing import Any, Iterator, List, Tuple

import numpy as np


def reject_outlier_jumps(track: np.ndarray, max_jump: float,
                         neighbour_window: int = 8) -> np.ndarray:
    """Drop detections that jump away from both neighbouring detections.

    Args:
        track: (N, 3) rows ``(code, x, y)``; code 0 = no ball.
        max_jump: largest plausible displacement per frame, in pixels.
        neighbour_window: detections more than this many frames away do not
            count as neighbours.

    A detection is an outlier when it has a neighbour on both sides and both
    are reached at a speed above ``max_jump`` px/frame, or when it has no
    neighbour at all (a lone detection). At the ends of a run (one neighbour)
    a jump is ambiguous, so the detection is kept.

    Returns:
        np.ndarray: a copy with outliers set to ``(0, -1, -1)``.
    """
    out = np.array(track, dtype=np.float64, copy=True).reshape(-1, 3)
    idx = np.flatnonzero(out[:, 0] > 0)
    if len(idx) == 0:
        return out
    gaps = np.diff(idx)
    speed = np.linalg.norm(np.diff(out[idx, 1:], axis=0), axis=1) / np.maximum(gaps, 1)
    linked = gaps <= neighbour_window  # (K-1,) detection k and k+1 are neighbours
    fast = linked & (speed > max_jump)
    has_prev = np.concatenate([[False], linked])
    has_next = np.concatenate([linked, [False]])
    prev_fast = np.concatenate([[False], fast])
    next_fast = np.concatenate([fast, [False]])
    outlier = (prev_fast & next_fast) | (~has_prev & ~has_next)
    out[idx[outlier]] = (0, -1, -1)
    return out


def fill_short_gaps(track: np.ndarray, max_gap: int, fill_code: int = 3) -> np.ndarray:
    """Linearly interpolate runs of at most ``max_gap`` code-0 frames between detections.

    Args:
        track: (N, 3) rows ``(code, x, y)``.
        max_gap: longest run of code-0 frames that is filled.
        fill_code: code given to filled frames (3: "occluded", i.e. inferred).

    Returns:
        np.ndarray: a filled copy.
    """
    out = np.array(track, dtype=np.float64, copy=True).reshape(-1, 3)
    n = len(out)
    det = out[:, 0] > 0
    if det.sum() < 2 or max_gap <= 0:
        return out
    frames = np.arange(n)
    prev_det = np.maximum.accumulate(np.where(det, frames, -1))
    next_det = np.minimum.accumulate(np.where(det, frames, n)[::-1])[::-1]
    gap = next_det - prev_det - 1
    fill = (~det) & (prev_det >= 0) & (next_det < n) & (gap <= max_gap)
    if not fill.any():
        return out
    a, b = prev_det[fill], next_det[fill]
    w = ((frames[fill] - a) / (b - a))[:, None]
    out[fill, 1:] = (1 - w) * out[a, 1:] + w * out[b, 1:]
    out[fill, 0] = fill_code
    return out


def postprocess_trajectory(track: np.ndarray, max_gap: int = 4, max_jump: float = 120.0,
                           neighbour_window: int = 8, fill_code: int = 3) -> np.ndarray:
    """Reject outlier jumps, then fill short gaps. See the two functions above."""
    return fill_short_gaps(reject_outlier_jumps(track, max_jump, neighbour_window),
                           max_gap, fill_code)


def postprocess_context(max_gap: int = 4, neighbour_window: int = 8, **_) -> int:
    """Frames on each side that decide frame t's post-processed value."""
    return int(max_gap) + 1 + int(neighbour_window)


class StreamingTrajectoryPostprocessor:
    """:func:`postprocess_trajectory` on a stream, equal to the whole-track result.

    Frames come out in order, ``context`` + up to ``chunk`` frames after they go in;
    at most ``chunk + 2 * context`` rows (and their payloads) are held.

    Args:
        chunk: rows finalised per step.
        **kwargs: :func:`postprocess_trajectory` arguments.
    """

    def __init__(self, chunk: int = 16, **kwargs):
        self.kwargs = kwargs
        self.context = postprocess_context(**kwargs)
        self.chunk = int(chunk)
        self._raw = deque()  # rows from index self._base on
        self._payload = deque()  # payloads of rows from self._next_out on
        self._base = 0
        self._next_out = 0
        self._received = 0

    def push(self, row, payload: Any = None) -> List[Tuple[int, np.ndarray, Any]]:
        """Add the next raw row; returns the rows finalised now as (index, row, payload)."""
        self._raw.append(np.asarray(row, dtype=np.float64))
        self._payload.append(payload)
        self._received += 1
        if self._received - self._next_out >= self.chunk + self.context:
            return list(self._emit(self.chunk))
        return []

    def flush(self) -> List[Tuple[int, np.ndarray, Any]]:
        """Finalise every remaining row (end of stream)."""
        return list(self._emit(self._received - self._next_out))

    def _emit(self, n: int) -> Iterator[Tuple[int, np.ndarray, Any]]:
        if n <= 0:
            return
        raw = np.stack(self._raw)
        done = postprocess_trajectory(raw, **self.kwargs)
        for k in range(n):
            i = self._next_out
            yield i, done[i - self._base], self._payload.popleft()
            self._next_out += 1
        keep_from = max(0, self._next_out - self.context)
        while self._base < keep_from:
            self._raw.popleft()
            self._base += 1
