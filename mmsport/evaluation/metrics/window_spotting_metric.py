"""SoccerNet spotting mAP of sliding-window, per-timestep predictions (COMEDIAN style).

The window spotters of the transformer task score every timestep of a window
(``pred_score`` (T, C)); val/test datasets slide windows over each half
(``SoccerNetV2ClipDataset``). This metric puts the windows of a half back
together (max over overlaps, ``margin`` timesteps dropped at inner window edges:
:func:`merge_windows`), spots with soft-NMS or hard NMS (:func:`soft_nms`), and
scores the spots like :class:`SpottingMAPMetric` does (same GT reading, same
``average_map``, same optional raw-score and ``results_spotting.json`` output).
"""
from typing import List, Optional, Sequence, Tuple

import numpy as np

from mmsport.models.postprocess import merge_windows, soft_nms
from mmsport.registry import METRICS
from .spotting_metric import SpottingMAPMetric, _field

NMS_TYPES = ('soft', 'hard')


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
        nms: ``dict(type='soft'|'hard', window=20, threshold=0.001,
            min_weight=0.0, max_per_class=None)``; ``window`` in timesteps (the
            seed's 20 at 2 fps = 10 s), see :func:`soft_nms`.
        margin: timesteps dropped at each inner edge of a window when merging
            (the seed drops 12 s at inference; 0 keeps every row).
        raw_dir / out_dir / collect_device / prefix: as in
            :class:`SpottingMAPMetric`.
    """

    def __init__(self, data_root: str, label_file: str = 'Labels-v2.json',
                 classes: Sequence[str] = (), fps: float = 2.0,
                 tolerances: Sequence[str] = ('tight', 'loose'),
                 nms: Optional[dict] = None, margin: int = 0, **kwargs):
        super().__init__(data_root, label_file=label_file, classes=classes, fps=fps,
                         tolerances=tolerances, **kwargs)
        if not self.classes:
            raise ValueError('WindowSpottingMetric needs the class names (classes=...)')
        self.nms = dict(type='soft', window=20, threshold=0.001, min_weight=0.0,
                        max_per_class=None)
        self.nms.update(nms or {})
        if self.nms['type'] not in NMS_TYPES:
            raise ValueError(f"nms type must be one of {NMS_TYPES}, got {self.nms['type']!r}")
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

    def spot(self, curve: np.ndarray) -> List[Tuple[int, int, float]]:
        """Soft-NMS (linear) or hard NMS of the (N, C) curve -> ``(t, class, score)``."""
        cfg = self.nms
        times, classes, scores = soft_nms(
            curve, float(cfg['window']), float(cfg['threshold']), float(cfg['min_weight']),
            'linear' if cfg['type'] == 'soft' else 'hard', cfg['max_per_class'])
        return list(zip(times.tolist(), classes.tolist(), scores.tolist()))
