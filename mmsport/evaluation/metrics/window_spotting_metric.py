"""SoccerNet spotting mAP of sliding-window, per-timestep predictions (COMEDIAN style).

The window spotters of the transformer task score every timestep of a window
(``pred_score`` (T, C)); val/test datasets slide windows over each half
(``SoccerNetV2ClipDataset``). This metric puts the windows of a half back
together (max over overlaps, ``margin`` timesteps dropped at inner window edges:
:func:`merge_windows`), spots with its codec (:class:`NMSSpottingCodec` by default:
soft-NMS or hard NMS), and
scores the spots like :class:`SpottingMAPMetric` does (same GT reading, same
``average_map``, same optional raw-score and ``results_spotting.json`` output).
"""
from typing import List, Optional, Sequence

import numpy as np

from mmsport.models.postprocess import merge_windows
from mmsport.models.task_modules.spotting_codecs import build_spotting_codec
from mmsport.registry import METRICS
from .spotting_metric import SpottingMAPMetric, _field


@METRICS.register_module()
class WindowSpottingMetric(SpottingMAPMetric):
    """Tight / loose average-mAP of per-timestep window scores after (soft-)NMS.

    ``process`` keeps ``(game, half, start, num_valid, half_timesteps,
    pred_score (T, C))`` of every window (metainfo of ``PackSoccerClipInputs``).
    Timestep ``t`` of a half is frame ``t`` at ``fps`` (2 by default), so the
    spots are at ``t / fps`` seconds.

    Args:
        data_root: SoccerNet root holding ``<game>/<label_file>``.
        label_file: label file name (``Labels-v2.json``).
        classes: class names in ``pred_score`` column order.
        fps: timesteps per second of the windows.
        tolerances: 'tight', 'loose' or 'at1'..'at5' (see ``DELTAS``).
        codec: the spotting codec, by default ``NMSSpottingCodec()`` (linear
            soft-NMS, ``window`` 20 timesteps = 10 s at 2 fps).
        nms: deprecated spelling of ``codec=dict(type='NMSSpottingCodec',
            mode=nms['type'], ...)``.
        margin: timesteps dropped at each inner edge of a window when merging
            (the seed drops 12 s at inference; 0 keeps every row).
        raw_dir / out_dir / collect_device / prefix: as in
            :class:`SpottingMAPMetric`.
    """

    default_codec = 'NMSSpottingCodec'

    def __init__(self, data_root: str, label_file: str = 'Labels-v2.json',
                 classes: Sequence[str] = (), fps: float = 2.0,
                 tolerances: Sequence[str] = ('tight', 'loose'),
                 codec: Optional[dict] = None, nms: Optional[dict] = None,
                 margin: int = 0, **kwargs):
        if nms is not None:
            codec = build_spotting_codec(codec, self.default_codec, nms=nms)
        super().__init__(data_root, label_file=label_file, classes=classes, fps=fps,
                         tolerances=tolerances, codec=codec, **kwargs)
        if not self.classes:
            raise ValueError('WindowSpottingMetric needs the class names (classes=...)')
        if int(margin) < 0:
            raise ValueError(f'margin must be >= 0, got {margin}')
        self.margin = int(margin)

    def process(self, data_batch, data_samples: Sequence) -> None:
        """Keep the (T, C) scores and position of every window."""
        for s in data_samples:
            score = _field(s, 'pred_score')
            if hasattr(score, 'detach'):
                score = score.detach().float().cpu().numpy()
            score = np.asarray(score, np.float32)
            if score.ndim != 2:
                raise ValueError(f'WindowSpottingMetric needs per-timestep pred_score (T, C), '
                                 f'got shape {score.shape}')
            n_valid = _field(s, 'num_valid', len(score))
            self.results.append(dict(
                game=str(_field(s, 'game')), half=int(_field(s, 'half')),
                start=int(_field(s, 'start')), half_timesteps=int(_field(s, 'half_timesteps')),
                pred_score=score[:int(n_valid)]))

    def half_curve(self, rows: List[dict]) -> np.ndarray:
        """(N, C) curve of a half: its windows merged by max (:func:`merge_windows`)."""
        total = max(r['half_timesteps'] for r in rows)
        return merge_windows([r['pred_score'] for r in rows], [r['start'] for r in rows],
                             total, margin=self.margin)
