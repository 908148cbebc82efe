"""mmengine metric for player re-identification: closed-set rank metrics and open-set F1.

docs/metrics.md, ReID section: closed-set mAP / CMC are torchreid's Market-1501
``evaluate_rank``; the open-set score is macro-F1 with -1 (unknown player or
negative crop) as a class of its own.
"""
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger

from mmsport.evaluation.functional.reid import (UNKNOWN, evaluate_rank, gallery_centroids,
                                                match_gallery, open_set_macro_f1,
                                                tune_threshold)
from mmsport.registry import METRICS


def _field(sample, key, default=None):
    meta = sample.metainfo if hasattr(sample, 'metainfo') else sample
    if key in meta:
        return meta[key]
    getter = getattr(sample, 'get', None)
    if getter is not None:
        return getter(key, default)
    return getattr(sample, key, default)


def _to_numpy(x) -> np.ndarray:
    if hasattr(x, 'detach'):
        x = x.detach().float().cpu().numpy()
    return np.asarray(x, dtype=np.float32).reshape(-1)


@METRICS.register_module()
class ReIDMetric(BaseMetric):
    """Closed-set mAP / CMC and open-set macro-F1 of ReID embeddings.

    ``process`` keeps, for every data sample (dict or data sample), its
    ``embedding`` ((D,) tensor or array), ``label_id`` (original identity id,
    -1 for negatives / unknown players), ``camid`` (int) and ``role``
    (``'gallery'`` or ``'query'``).

    ``compute_metrics``:

    * closed set: the queries whose ``label_id`` is one of the gallery's
      identities are ranked against **all** gallery samples with the distance
      ``1 - cosine``; :func:`evaluate_rank` (Market-1501 protocol: same-id
      same-camera gallery samples are ignored) gives ``mAP`` and ``rank{k}``
      for k in ``ranks``. Skipped, with a warning, when no query identity is
      in the gallery.
    * open set (``open_set=True``): one L2-normalised centroid per gallery
      identity (:func:`gallery_centroids`), every query takes its nearest
      centroid by cosine similarity, -1 below ``threshold``; ``macro_f1`` is
      the macro-F1 at the configured ``threshold`` with -1 as a class.
      ``macro_f1_best`` / ``best_threshold`` are the **oracle** values: the
      threshold chosen by :func:`tune_threshold` on these same queries and the
      macro-F1 it reaches (an upper bound, not a held-out score).

    Args:
        threshold: cosine-similarity threshold of ``macro_f1``.
        open_set: compute the open-set keys.
        ranks: CMC ranks reported as ``rank{k}``.
        collect_device: 'cpu' or 'gpu' for distributed collection.
        prefix: metric name prefix (default ``'reid'``).

    Returns (``compute_metrics``): ``{'mAP', 'rank1', 'rank5', 'macro_f1',
    'macro_f1_best', 'best_threshold'}`` (``reid/`` prefixed by the evaluator).
    """

    default_prefix: Optional[str] = 'reid'

    def __init__(self, threshold: float = 0.5, open_set: bool = True,
                 ranks: Sequence[int] = (1, 5), collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.threshold = float(threshold)
        self.open_set = bool(open_set)
        self.ranks = tuple(int(k) for k in ranks)
        if not self.ranks or min(self.ranks) < 1:
            raise ValueError(f'ranks must be positive integers, got {ranks}')

    def process(self, data_batch, data_samples: Sequence) -> None:
        """Keep ``(embedding (D,), label_id, camid, role)`` of every sample."""
        for s in data_samples:
            role = str(_field(s, 'role'))
            if role not in ('gallery', 'query'):
                raise ValueError(f"ReIDMetric: role must be 'gallery' or 'query', got {role!r}")
            label = _field(s, 'label_id')
            if hasattr(label, 'item'):
                label = label.item()
            camid = _field(s, 'camid', 0)
            if hasattr(camid, 'item'):
                camid = camid.item()
            self.results.append(dict(embedding=_to_numpy(_field(s, 'embedding')),
                                     label_id=int(label), camid=int(camid), role=role))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        logger = MMLogger.get_current_instance()
        gallery = [r for r in results if r['role'] == 'gallery']
        queries = [r for r in results if r['role'] == 'query']
        if not gallery:
            raise ValueError('ReIDMetric: no gallery samples (role="gallery") to match against')
        if not queries:
            raise ValueError('ReIDMetric: no query samples (role="query") to evaluate')
        g_emb = np.stack([r['embedding'] for r in gallery]).astype(np.float32)
        q_emb = np.stack([r['embedding'] for r in queries]).astype(np.float32)
        g_ids = np.array([r['label_id'] for r in gallery], np.int64)
        q_ids = np.array([r['label_id'] for r in queries], np.int64)
        g_cam = np.array([r['camid'] for r in gallery], np.int64)
        q_cam = np.array([r['camid'] for r in queries], np.int64)
        known_ids = np.unique(g_ids[g_ids != UNKNOWN])
        out = {}

        closed = np.isin(q_ids, known_ids) & (q_ids != UNKNOWN)
        if closed.any():
            g_n = g_emb / np.maximum(np.linalg.norm(g_emb, axis=1, keepdims=True), 1e-12)
            q_n = q_emb[closed]
            q_n = q_n / np.maximum(np.linalg.norm(q_n, axis=1, keepdims=True), 1e-12)
            distmat = 1.0 - q_n @ g_n.T
            try:
                cmc, mAP = evaluate_rank(distmat, q_ids[closed], g_ids, q_cam[closed], g_cam,
                                         max_rank=max(self.ranks))
            except ValueError as e:
                logger.warning(f'ReIDMetric: closed-set metrics skipped: {e}')
            else:
                out['mAP'] = float(mAP)
                for k in self.ranks:
                    out[f'rank{k}'] = float(cmc[min(k, len(cmc)) - 1])
        else:
            logger.warning('ReIDMetric: no query identity is in the gallery; closed-set '
                           'mAP / rank metrics skipped')

        if self.open_set:
            if len(known_ids):
                labels, centroids = gallery_centroids(g_emb[g_ids != UNKNOWN],
                                                      g_ids[g_ids != UNKNOWN])
                pred, best_sim = match_gallery(q_emb, centroids, labels)
            else:
                pred = np.full(len(q_ids), UNKNOWN, np.int64)
                best_sim = np.full(len(q_ids), -np.inf, np.float32)
            at_thr = np.where(best_sim >= self.threshold, pred, UNKNOWN)
            out['macro_f1'] = open_set_macro_f1(q_ids, at_thr)
            best_t, best_f1 = tune_threshold(best_sim, pred, q_ids)
            out['macro_f1_best'] = float(best_f1)
            out['best_threshold'] = float(best_t)
        logger.info('ReIDMetric: ' + ', '.join(f'{k} = {v:.4f}' for k, v in out.items())
                    + f' ({len(gallery)} gallery, {len(queries)} queries, '
                    f'{int(closed.sum())} closed-set queries)')
        return out
