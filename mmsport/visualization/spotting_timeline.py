"""Timeline plot of one half: per-class score curves, GT actions and predicted spots."""
from typing import Dict, Optional, Sequence, Tuple, Union

import numpy as np

from mmsport.utils.atomic import atomic_open

MAX_POINTS = 20000  # curves longer than this are max-pooled for drawing


def _pooled(scores: np.ndarray, fps: float) -> Tuple[np.ndarray, np.ndarray]:
    """(T, C) -> (times (P,), max-pooled scores (P, C)) with P <= MAX_POINTS."""
    t = len(scores)
    k = max(1, int(np.ceil(t / MAX_POINTS)))
    if k == 1:
        return np.arange(t) / fps, scores
    pad = (-t) % k
    s = np.pad(scores, ((0, pad), (0, 0)), constant_values=-np.inf)
    pooled = s.reshape(-1, k, scores.shape[1]).max(axis=1)
    return (np.arange(len(pooled)) * k + (k - 1) / 2) / fps, pooled


def plot_spotting_timeline(scores: np.ndarray,
                           gt_frames: Union[Dict[Union[int, str], Sequence[int]],
                                            Sequence[Sequence[int]], None],
                           spots: Sequence[Tuple[int, int, float]], classes: Sequence[str],
                           fps: float, out_png: str, title: Optional[str] = None,
                           height: Optional[float] = None, dpi: int = 100) -> str:
    """Draw one half's timeline to a PNG (matplotlib Agg canvas, atomic write).

    One row per class: the score curve over time (seconds), GT actions as
    vertical green lines and predicted spots as red markers at their
    confidence.

    Args:
        scores: (T, C) per-frame class scores.
        gt_frames: GT frames per class: a list indexed by class, or a dict
            keyed by class index or name; None for no GT.
        spots: predicted ``(frame, class_index, confidence)`` tuples.
        classes: C class names.
        fps: frame rate of the frames.
        out_png: output path (folders are created).
        title: figure title.
        height: peak-picking threshold to draw as a dotted line.
        dpi: output resolution.

    Returns:
        ``out_png``.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    scores = np.asarray(scores, dtype=np.float32).reshape(len(scores), -1)  # (T, C)
    n_cls = len(classes)
    if scores.shape[1] != n_cls:
        raise ValueError(f'scores have {scores.shape[1]} classes, {n_cls} names given')
    gt = [[] for _ in range(n_cls)]
    if isinstance(gt_frames, dict):
        for k, frames in gt_frames.items():
            gt[classes.index(k) if isinstance(k, str) else int(k)] = list(frames)
    elif gt_frames is not None:
        gt = [list(f) for f in gt_frames]
    duration = max(len(scores), 1) / fps
    fig = Figure(figsize=(min(40.0, max(8.0, duration / 30)), 1.0 + 1.6 * n_cls))
    FigureCanvasAgg(fig)
    axes = fig.subplots(n_cls, 1, sharex=True, squeeze=False)[:, 0]
    times, curves = _pooled(scores, fps)
    for c, ax in enumerate(axes):
        ax.plot(times, curves[:, c], lw=0.8, color='tab:blue', label='score')
        for i, f in enumerate(gt[c]):
            ax.axvline(f / fps, color='tab:green', lw=1.0, ls='--',
                       label='GT' if i == 0 else None)
        mine = [(f, conf) for f, k, conf in spots if int(k) == c]
        if mine:
            ax.plot([f / fps for f, _ in mine], [conf for _, conf in mine], 'v',
                    color='tab:red', ms=5, label='spot')
        if height is not None:
            ax.axhline(height, color='gray', lw=0.6, ls=':')
        ax.set_ylim(-0.02, 1.05)
        ax.set_xlim(0, duration)
        ax.set_ylabel(classes[c], rotation=0, ha='right', va='center')
        ax.grid(alpha=0.3)
    axes[0].legend(loc='upper right', fontsize=7, ncol=3)
    axes[-1].set_xlabel('time (s)')
    if title:
        axes[0].set_title(title, fontsize=9)
    fig.tight_layout()
    with atomic_open(out_png, 'wb') as f:
        fig.savefig(f, format='png', dpi=dpi)
    return out_png
