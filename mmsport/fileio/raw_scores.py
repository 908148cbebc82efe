"""Raw per-frame score files of a spotting model (``<half>_raw_scores.npz``).

Saved by streaming inference and the runner's metric so that post-processing can be
re-run without the model. Torch-free: numpy, json and atomic writes only.
"""
import json
import os
from typing import Dict, Optional, Tuple

import numpy as np

from mmsport.fileio.containers import load_npz
from mmsport.utils.atomic import atomic_open

RAW_SCORES_SUFFIX = '_raw_scores.npz'


def raw_scores_path(root: str, game: str, half: int) -> str:
    """Where a game-half's raw scores go: ``<root>/<game>/<half>_raw_scores.npz``."""
    return os.path.join(root, game, f'{int(half)}{RAW_SCORES_SUFFIX}')


def save_raw_scores(path: str, scores: np.ndarray, meta: Optional[Dict] = None) -> None:
    """Write scores (T, C) float32 and JSON ``meta`` to an npz, atomically.

    Args:
        path: output ``.npz`` path (parent folders are created).
        scores: (T, C) per-frame scores.
        meta: JSON-serialisable dict (game, half, classes, fps, video, ...).
    """
    with atomic_open(path, 'wb') as f:
        np.savez_compressed(f, scores=np.asarray(scores, np.float32),
                            meta=np.array(json.dumps(meta or {})))


def load_raw_scores(path: str) -> Tuple[np.ndarray, dict]:
    """Read what :func:`save_raw_scores` wrote: ``(scores (T, C) float32, meta dict)``.

    Raises:
        ValueError: the file is missing, not an npz (truncated, corrupt), lacks
            (T, C) ``scores``, holds a non-finite score (its frame and class named),
            a ``meta`` that is not a JSON object, or a ``meta`` whose ``n_frames`` /
            ``classes`` disagree with the scores' shape (the message names the file).
    """
    z = load_npz(path, ('scores', ), 'raw score file', optional=('meta', ))
    scores = np.asarray(z['scores'], np.float32)
    meta = {}
    if 'meta' in z:
        try:
            meta = json.loads(str(z['meta']))
        except ValueError as e:
            raise ValueError(f'{path}: meta is not JSON ({e})') from e
        if not isinstance(meta, dict):
            raise ValueError(f'{path}: meta must be a JSON object, got {type(meta).__name__}')
    if scores.ndim != 2:
        raise ValueError(f'{path}: scores must be (T, C), got shape {scores.shape}')
    if not np.isfinite(scores).all():
        t, c = (int(i) for i in np.argwhere(~np.isfinite(scores))[0])
        raise ValueError(f'{path}: scores[{t}, {c}] (frame {t}, class {c}) is {scores[t, c]}; '
                         f'{int((~np.isfinite(scores)).sum())} non-finite score(s)')
    n_meta, classes = meta.get('n_frames'), meta.get('classes')
    if n_meta is not None and (not isinstance(n_meta, int) or n_meta != len(scores)):
        raise ValueError(f'{path}: {len(scores)} timesteps but its meta says '
                         f'n_frames={n_meta!r}')
    if classes is not None and (not isinstance(classes, list)
                                or len(classes) != scores.shape[1]):
        raise ValueError(f'{path}: {scores.shape[1]} score columns but its meta lists the '
                         f'classes {classes!r}')
    return scores, meta
