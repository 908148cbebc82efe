"""Choosing the ball tracker's visibility threshold from raw peak scores.

The tracker says "ball" where the heatmap's peak probability reaches the
codec's ``vis_thr`` (0.5 by default). With every frame's peak position and score
kept once (:func:`mmsport.apis.ball_tracking_threshold.raw_clip_tracks`), the
threshold can be swept without running the model again: per threshold, the
frames below it become "no ball", the clip's trajectory is post-processed as
:class:`~mmsport.evaluation.metrics.SiBaTrAccMetric` does, and TrackNet's
counts are summed over the clips.

Choose the threshold on clips the model was trained on (or any split that is
not the one you report), then test on the held-out clips with
``--cfg-options model.codec.vis_thr=<thr>``.
"""
from typing import Dict, List, Optional, Sequence

import numpy as np

from mmsport.models.trackers.trajectory import postprocess_trajectory
from .functional.tracking import sibatracc, tracknet_counts, tracknet_scores, tracknet_tolerance

#: thresholds swept by default: 0.05 ... 0.95
DEFAULT_THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.05, 0.951, 0.05))


def apply_threshold(track: np.ndarray, scores: np.ndarray, thr: float) -> np.ndarray:
    """Raw peaks -> per-frame decodes at a visibility threshold.

    Args:
        track: (N, 3) rows ``(code, x, y)`` with a position in every frame
            (decoded at threshold 0).
        scores: (N,) peak probabilities.
        thr: frames with ``score < thr`` become ``(0, -1, -1)``; the others code 1.

    Returns:
        np.ndarray: (N, 3) float64.
    """
    track = np.asarray(track, dtype=np.float64).reshape(-1, 3)
    scores = np.asarray(scores, dtype=np.float64).reshape(-1)
    if len(track) != len(scores):
        raise ValueError(f'{len(track)} track rows but {len(scores)} scores')
    out = track.copy()
    out[:, 0] = 1.0
    out[scores < thr] = (0.0, -1.0, -1.0)
    return out


def sweep_visibility_threshold(records: Sequence[dict],
                               thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
                               tol: Optional[float] = None,
                               postprocess: Optional[dict] = dict()) -> List[Dict]:
    """TrackNet's scores and SiBaTrAcc of every threshold, over all clips.

    Args:
        records: one dict per clip with ``key``, ``gt`` (N, 3) labels,
            ``track`` (N, 3) raw peaks, ``scores`` (N,) and ``width`` (the
            frames' full-resolution width, for the default tolerance).
        thresholds: visibility thresholds to try.
        tol: pixel tolerance (None: TrackNetV2's 4 px at 512 wide, scaled).
        postprocess: kwargs of :func:`postprocess_trajectory`, None for raw decodes.

    Returns:
        list of dicts, one per threshold in the given order: ``thr``,
        ``SiBaTrAcc`` (mean over clips), ``accuracy, precision, recall, f1``,
        the counts ``tp, fp1, fp2, fn, tn`` and ``tol`` (the largest used).
    """
    if not records:
        raise ValueError('no clips to sweep the threshold on')
    rows = []
    for thr in thresholds:
        counts = dict(tp=0, fp1=0, fp2=0, fn=0, tn=0)
        accs, tols = [], []
        for r in records:
            gt = np.asarray(r['gt'], dtype=np.float64)
            if len(gt) != len(r['track']):
                raise ValueError(f"{r['key']}: {len(gt)} label rows but "
                                 f"{len(r['track'])} predicted frames")
            pred = apply_threshold(r['track'], r['scores'], thr)
            if postprocess is not None:
                pred = postprocess_trajectory(pred, **postprocess)
            t = float(tol) if tol is not None else tracknet_tolerance(r['width'])
            tols.append(t)
            accs.append(sibatracc(gt, pred))
            for k, v in tracknet_counts(gt, pred, t).items():
                counts[k] += v
        row = dict(thr=float(thr), SiBaTrAcc=float(np.mean(accs)))
        row.update(tracknet_scores(counts))
        row.update(counts)
        row['tol'] = max(tols)
        rows.append(row)
    return rows


def best_threshold(rows: Sequence[Dict], metric: str = 'f1') -> Dict:
    """The sweep row with the highest ``metric`` (the lowest threshold on ties)."""
    if not rows:
        raise ValueError('empty threshold sweep')
    best = max(rows, key=lambda r: (r[metric], -r['thr']))
    return best
