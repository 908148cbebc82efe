"""mmengine metric for ball-action spotting: SoccerNet mAP on peak-picked window scores.

The decode step it shares with streaming inference and the submission tools
(window scores -> curve -> spots -> prediction dicts) is
:mod:`mmsport.models.task_modules.spotting_decode`; raw score files are
:mod:`mmsport.fileio.raw_scores`.
"""
import os
from collections import defaultdict
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger

from mmsport.evaluation.functional.spotting import (DELTAS, average_map, labels_to_vectors,
                                                    predictions_to_vectors)
from mmsport.fileio.raw_scores import raw_scores_path, save_raw_scores
from mmsport.fileio.soccernet import BALL_CLASSES_2023, game_time, read_labels
from mmsport.fileio.soccernet_predictions import write_predictions_json
from mmsport.models.task_modules.spotting_codecs import build_spotting_codec
from mmsport.models.task_modules.spotting_decode import (  # noqa: F401  (re-exported)
    centre_scores_to_curve, spots_to_predictions)
from mmsport.registry import METRICS


def metric_key(metric: str) -> str:
    """'at1' -> 'mAP@1'; 'tight' -> 'tight_avg_mAP'."""
    return f'mAP@{metric[2:]}' if metric.startswith('at') else f'{metric}_avg_mAP'


def _field(sample, key, default=None):
    meta = sample.metainfo if hasattr(sample, 'metainfo') else sample
    if key in meta:
        return meta[key]
    getter = getattr(sample, 'get', None)
    return getter(key, default) if getter is not None else default


@METRICS.register_module()
class SpottingMAPMetric(BaseMetric):
    """SoccerNet action-spotting mAP of window predictions (ball action 2023: ``at1``).

    ``process`` keeps ``(game, half, frame, pred_score)`` per window. For every
    (game, half) seen, ``compute_metrics`` places the scores at their centre
    frames, interpolates between centres (:func:`centre_scores_to_curve`),
    decodes it with the spotting codec (:class:`PeakSpottingCodec` by default)
    and scores the spots with
    :func:`average_map` against ``<data_root>/<game>/<label_file>``, exactly
    as the SoccerNet evaluation would score a ``results_spotting.json`` of
    those peaks. Only the (game, half) pairs present in the results are
    scored (the GT of halves never predicted is not counted).

    The curve of a half is ``max(n_frames metainfo, last centre + 1)`` frames
    long (``n_frames`` / ``total_frames`` metainfo optional).

    Args:
        data_root: SoccerNet root holding ``<game>/<label_file>``.
        label_file: label file name in each game folder.
        classes: class names, in ``pred_score`` order.
        fps: frame rate of ``frame`` (and of the evaluation).
        tolerances: keys of ``DELTAS``: 'at1'..'at5' (plain mAP at that
            tolerance), 'tight', 'loose' (average-mAP).
        codec: the spotting codec (config dict or object), by default
            ``PeakSpottingCodec()``; the inference tools build the same one
            from the config (:func:`mmsport.apis.spotting.spotting_io_settings`).
        postprocess: deprecated spelling of ``codec=dict(type='PeakSpottingCodec',
            **postprocess)``.
        raw_dir: optional folder: the raw (T, C) curve of every half goes to
            ``<raw_dir>/<game>/<half>_raw_scores.npz`` (``tools/transformer_spotting/
            respot.py`` re-post-processes them without the model).
        out_dir: optional folder: ``<out_dir>/<game>/results_spotting.json``
            of the spots, the SoccerNet submission layout.
        collect_device: 'cpu' or 'gpu' for distributed collection.
        prefix: metric name prefix.

    Returns (``compute_metrics``): ``{'mAP@1': .., 'tight_avg_mAP': ..,
    'mAP@1_PASS': .., ...}`` (per-class values also logged).
    """

    default_prefix: Optional[str] = None
    default_codec: str = 'PeakSpottingCodec'

    def __init__(self, data_root: str, label_file: str = 'Labels-ball.json',
                 classes: Sequence[str] = BALL_CLASSES_2023, fps: float = 25.0,
                 tolerances: Sequence[str] = ('at1', 'tight'),
                 codec: Optional[dict] = None, postprocess: Optional[dict] = None,
                 raw_dir: Optional[str] = None,
                 out_dir: Optional[str] = None, collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        metrics = [tolerances] if isinstance(tolerances, str) else list(tolerances)
        unknown = [m for m in metrics if m not in DELTAS]
        if unknown:
            raise ValueError(f'unknown spotting metrics {unknown}; use {sorted(DELTAS)}')
        self.data_root = data_root
        self.label_file = label_file
        self.classes = tuple(classes)
        self.fps = float(fps)
        self.metrics = metrics
        self.codec = build_spotting_codec(codec, self.default_codec, postprocess=postprocess)
        self.raw_dir, self.out_dir = raw_dir, out_dir

    def process(self, data_batch, data_samples: Sequence) -> None:
        """Keep ``(game, half, frame, n_frames, pred_score (C,))`` of every window."""
        for s in data_samples:
            score = _field(s, 'pred_score')
            if hasattr(score, 'detach'):
                score = score.detach().float().cpu().numpy()
            n = _field(s, 'n_frames', _field(s, 'total_frames'))
            self.results.append(dict(
                game=str(_field(s, 'game')), half=int(_field(s, 'half')),
                frame=int(_field(s, 'frame')), n_frames=None if n is None else int(n),
                pred_score=np.asarray(score, dtype=np.float32).reshape(-1)))

    def half_curve(self, rows: List[dict]) -> np.ndarray:
        """(n_frames, C) score curve of a half from its ``process`` rows (window centres)."""
        frames = np.array([r['frame'] for r in rows])
        scores = np.stack([r['pred_score'] for r in rows])  # (N, C)
        n_frames = max([frames.max() + 1] + [r['n_frames'] for r in rows
                                             if r['n_frames'] is not None])
        return centre_scores_to_curve(frames, scores, int(n_frames))

    def spot(self, curve: np.ndarray) -> List[Tuple[int, int, float]]:
        """(T, C) curve -> ``(frame, class_index, confidence)`` spots (the codec's decode)."""
        return self.codec.decode(curve)

    def save_half(self, game: str, half: int, curve: np.ndarray) -> None:
        """Write the raw curve to ``raw_dir`` (when set), as the inference tools do."""
        if self.raw_dir:
            save_raw_scores(raw_scores_path(self.raw_dir, game, half), curve,
                            dict(game=game, half=int(half), classes=list(self.classes),
                                 fps=self.fps, n_frames=len(curve)))

    def _targets(self, game: str) -> Tuple[np.ndarray, np.ndarray]:
        path = os.path.join(self.data_root, game, self.label_file)
        labels = read_labels(path, self.classes, self.fps, skip_unknown=True)
        anns = [dict(gameTime=game_time(a['half'], a['position_ms']), label=a['label'],
                     position=str(a['position_ms']), visibility=a['visibility'])
                for a in labels]
        return labels_to_vectors(anns, self.classes, self.fps)

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        logger = MMLogger.get_current_instance()
        halves = defaultdict(list)
        for r in results:
            halves[(r['game'], r['half'])].append(r)
        if not halves:
            logger.warning('SpottingMAPMetric: no results to evaluate')
            return {metric_key(m): 0.0 for m in self.metrics}
        targets, detections, gt_cache = [], [], {}
        game_preds = defaultdict(list)
        for game, half in sorted(halves):
            if game not in gt_cache:
                gt_cache[game] = self._targets(game)
            curve = self.half_curve(halves[(game, half)])  # (T, C)
            if curve.shape[1] != len(self.classes):
                raise ValueError(f'pred_score has {curve.shape[1]} classes, expected '
                                 f'{len(self.classes)} ({self.classes})')
            self.save_half(game, half, curve)
            preds = spots_to_predictions(self.spot(curve), half, self.classes, self.fps)
            game_preds[game] += preds
            targets.append(gt_cache[game][half - 1])
            detections.append(predictions_to_vectors(preds, self.classes, self.fps)[half - 1])
        if self.out_dir:
            for game, preds in game_preds.items():
                write_predictions_json(os.path.join(self.out_dir, game, 'results_spotting.json'),
                                       game, preds, self.fps)
            logger.info(f'{len(game_preds)} results_spotting.json written under {self.out_dir}')
        out = {}
        for m in self.metrics:
            res = average_map(targets, detections, self.fps, DELTAS[m])
            key = metric_key(m)
            out[key] = float(res['a_mAP'])
            per_class = ', '.join(f'{c}: {v:.4f}'
                                  for c, v in zip(self.classes, res['a_mAP_per_class']))
            logger.info(f'{key} = {res["a_mAP"]:.4f} ({per_class})')
            for c, v in zip(self.classes, res['a_mAP_per_class']):
                out[f'{key}_{c.replace(" ", "_")}'] = float(v)
        logger.info(f'{type(self).__name__}: {len(halves)} half/halves, {len(results)} windows')
        return out
