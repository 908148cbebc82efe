"""The window-spotting decode step, shared by the metric, the streamer and the tools.

Window scores centred on some frames -> a dense per-frame curve
(:func:`centre_scores_to_curve`); peak picking (:func:`mmsport.models.postprocess.peak_spotting`)
gives ``(frame, class, confidence)`` spots; :func:`spots_to_predictions` turns them
into SoccerNet prediction dicts. Numpy only.
"""
from typing import List, Optional, Sequence, Tuple

import numpy as np

from mmsport.fileio.soccernet import frame_to_position_ms, game_time


def centre_scores_to_curve(centres: Sequence[int], scores: np.ndarray,
                           n_frames: Optional[int] = None) -> np.ndarray:
    """Dense per-frame scores from scores of windows centred on some frames.

    Duplicated centres are averaged; frames between two evaluated centres are
    linearly interpolated; frames before the first / after the last centre
    hold the nearest centre's scores.

    Args:
        centres: (N,) centre frame of each window (any order).
        scores: (N, C) scores of those windows.
        n_frames: length of the curve; default ``max(centres) + 1``.

    Returns:
        (n_frames, C) float32.
    """
    centres = np.asarray(centres, dtype=np.int64).reshape(-1)
    scores = np.asarray(scores, dtype=np.float64)
    scores = scores.reshape(len(centres), scores.shape[-1] if scores.ndim == 2 else -1)
    if n_frames is None:
        n_frames = int(centres.max()) + 1 if len(centres) else 0
    out = np.zeros((int(n_frames), scores.shape[1]), np.float32)
    if not len(centres) or not n_frames:
        return out
    uniq, inv = np.unique(centres, return_inverse=True)
    sums = np.zeros((len(uniq), scores.shape[1]))
    np.add.at(sums, inv, scores)
    mean = sums / np.bincount(inv, minlength=len(uniq))[:, None]  # (U, C)
    frames = np.arange(n_frames)
    for c in range(scores.shape[1]):
        out[:, c] = np.interp(frames, uniq, mean[:, c])
    return out


def spots_to_predictions(spots: Sequence[Tuple[int, int, float]], half: int,
                         classes: Sequence[str], fps: float = 25.0) -> List[dict]:
    """``peak_spotting`` output -> prediction dicts (SoccerNet fields, frame kept).

    Args:
        spots: ``(frame, class_index, confidence)`` tuples.
        half: the half (1 or 2) the frames belong to.
        classes: class names indexed by ``class_index``.
        fps: frame rate of ``frame``.

    Returns:
        list of dicts ``{half, frame, position_ms, label, confidence, gameTime,
        position}``: accepted by ``write_predictions_json`` and
        ``predictions_to_vectors`` (positions read back to the same frame).
    """
    out = []
    for frame, c, conf in spots:
        pos = frame_to_position_ms(int(frame), fps)
        out.append(dict(half=int(half), frame=int(frame), position_ms=pos,
                        position=str(pos), gameTime=game_time(half, pos),
                        label=classes[int(c)], confidence=float(conf)))
    return out
