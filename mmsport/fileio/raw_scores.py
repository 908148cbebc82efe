"""Raw per-frame score files of a spotting model (``<half>_raw_scores.npz``).

Saved by streaming inference and the runner's metric so that post-processing can be
re-run without the model. Torch-free: numpy, json and atomic writes only.
"""
import json
import os
from typing import Dict, Optional, Tuple

import numpy as np

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
        ValueError: the file is missing, not an npz or lacks (T, C) ``scores``
            (the message names the file).
    """
    try:
        with np.load(path, allow_pickle=False) as z:
            scores = np.asarray(z['scores'], np.float32)
            meta = json.loads(str(z['meta'])) if 'meta' in z.files else {}
    except (OSError, KeyError, ValueError, EOFError) as e:
        raise ValueError(f'{path}: not a raw score file ({type(e).__name__}: {e})') from e
    if scores.ndim != 2:
        raise ValueError(f'{path}: scores must be (T, C), got shape {scores.shape}')
    return scores, meta
