"""mmengine metric for tennis ball tracking: SiBaTrAcc + precision/recall/F1."""
from collections import defaultdict
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger

from mmsport.evaluation.functional import sibatracc, tracking_prf
from mmsport.models.trackers.trajectory import postprocess_trajectory
from mmsport.registry import METRICS


@METRICS.register_module()
class SiBaTrAccMetric(BaseMetric):
    """SiBaTrAcc (mean over clips) and TrackNet-style P/R/F1 (over all frames).

    Per-frame predictions are grouped by clip (``key`` metainfo) and ordered by
    ``frame_idx``; the clip's trajectory is post-processed (gap filling,
    outlier rejection) before scoring, since only whole clips allow it.

    Args:
        tol: pixel tolerance for precision/recall/F1.
        postprocess: kwargs of :func:`postprocess_trajectory`, or None to
            score the raw per-frame decodes.
    """

    default_prefix: Optional[str] = None

    def __init__(self, tol: float = 8.0, postprocess: Optional[dict] = dict(),
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
                gt=np.asarray(get('gt_ball'), dtype=np.float64)[:3],
                pred=np.asarray(get('pred_ball'), dtype=np.float64)[:3]))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        clips = defaultdict(list)
        for r in results:
            clips[r['key']].append(r)
        per_clip, gts, preds = {}, [], []
        for key in sorted(clips):
            rows = sorted(clips[key], key=lambda r: r['frame_idx'])
            gt = np.stack([r['gt'] for r in rows])
            pred = np.stack([r['pred'] for r in rows])
            if self.postprocess is not None:
                pred = postprocess_trajectory(pred, **self.postprocess)
            per_clip[key] = sibatracc(gt, pred)
            gts.append(gt)
            preds.append(pred)
        logger = MMLogger.get_current_instance()
        for key, v in per_clip.items():
            logger.info(f'SiBaTrAcc {key}: {v:.4f}')
        prf = tracking_prf(np.concatenate(gts), np.concatenate(preds), self.tol)
        return dict(SiBaTrAcc=float(np.mean(list(per_clip.values()))),
                    precision=prf['precision'], recall=prf['recall'], f1=prf['f1'])
