"""mmengine metric for ball tracking: SiBaTrAcc and TrackNet's per-frame scores."""
from collections import defaultdict
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger

from mmsport.evaluation.functional import (sibatracc, tracknet_counts, tracknet_scores,
                                           tracknet_tolerance)
from mmsport.models.trackers.trajectory import postprocess_trajectory
from mmsport.registry import METRICS


@METRICS.register_module()
class SiBaTrAccMetric(BaseMetric):
    """SiBaTrAcc (mean over clips) and TrackNet's scores (over all frames).

    Per-frame predictions are grouped by clip (``key`` metainfo) and ordered by
    ``frame_idx``; the clip's trajectory is post-processed (gap filling,
    outlier rejection) before scoring, since only whole clips allow it.

    Reports ``SiBaTrAcc``; TrackNet's ``accuracy``, ``precision``, ``recall``,
    ``f1`` and the counts ``tp, fp1, fp2, fn, tn`` (``docs/metrics.md``); and
    ``tol``, the pixel tolerance used (the largest, if clips differ in size).

    Args:
        tol: tolerance in full-resolution pixels; None (default) uses
            TrackNetV2's 4 px at 512x288 scaled to each clip's width (10 px
            at 1280x720).
        postprocess: kwargs of :func:`postprocess_trajectory`, or None to
            score the raw per-frame decodes.
    """

    default_prefix: Optional[str] = None

    def __init__(self, tol: Optional[float] = None, postprocess: Optional[dict] = dict(),
                 collect_device: str = 'cpu', prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.tol = tol
        self.postprocess = postprocess

    def process(self, data_batch, data_samples: Sequence) -> None:
        for s in data_samples:
            meta = s.metainfo if hasattr(s, 'metainfo') else s
            get = (lambda k: s.get(k)) if hasattr(s, 'get') else (lambda k: s[k])
            self.results.append(dict(
                key=meta['key'], frame_idx=int(meta['frame_idx']),
                width=float(meta['full_size'][0]) if 'full_size' in meta else None,
                gt=np.asarray(get('gt_ball'), dtype=np.float64)[:3],
                pred=np.asarray(get('pred_ball'), dtype=np.float64)[:3]))

    def _clip_tol(self, width: Optional[float]) -> float:
        if self.tol is not None:
            return float(self.tol)
        if width is None:
            raise ValueError('SiBaTrAccMetric(tol=None) needs full_size in the samples')
        return tracknet_tolerance(width)

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        if not results:  # the same keys, zero (as SpottingMAPMetric does), not a crash
            MMLogger.get_current_instance().warning('SiBaTrAccMetric: no results to evaluate')
            counts = tracknet_counts(np.zeros((0, 3)), np.zeros((0, 3)), 1.0)
            return dict(SiBaTrAcc=0.0, **tracknet_scores(counts), **counts, tol=0.0)
        clips = defaultdict(list)
        for r in results:
            clips[r['key']].append(r)
        per_clip, counts, tols = {}, defaultdict(int), []
        for key in sorted(clips):
            rows = sorted(clips[key], key=lambda r: r['frame_idx'])
            gt = np.stack([r['gt'] for r in rows])
            pred = np.stack([r['pred'] for r in rows])
            if self.postprocess is not None:
                pred = postprocess_trajectory(pred, **self.postprocess)
            per_clip[key] = sibatracc(gt, pred)
            tol = self._clip_tol(rows[0]['width'])
            tols.append(tol)
            for k, v in tracknet_counts(gt, pred, tol).items():
                counts[k] += v
        logger = MMLogger.get_current_instance()
        for key, v in per_clip.items():
            logger.info(f'SiBaTrAcc {key}: {v:.4f}')
        out = dict(SiBaTrAcc=float(np.mean(list(per_clip.values()))))
        out.update(tracknet_scores(counts))
        out.update({k: int(v) for k, v in counts.items()})
        out['tol'] = float(max(tols))
        return out
