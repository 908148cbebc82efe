"""Fuse object-detector evidence into video-classifier probabilities (rule-based).

The seed's action-recognition entry gained its largest step (0.490 -> 0.559) from a
Faster R-CNN whose detections of one task object decide between classes that the
classifier confuses: e.g. ``stand_with_ball`` is ``stand`` *plus a ball*, so the two
look alike to a clip classifier, but a ball detector separates them.

Pipeline:

1. :func:`video_evidence` turns per-frame detections (mmdet 3 ``--out`` dumps) into a
   ``(V, K)`` evidence matrix: per video, the max score per object category over the
   video's sampled frames (0 where the category was never detected).
2. :class:`DetectorEvidenceFusion` applies rules ``category -> (target, confusers)``
   to the ``(V, C)`` class probabilities (see the class docstring for the rule).
3. :func:`fit_threshold` (the grid search is in :mod:`.threshold_fit`) optionally
   picks a rule's threshold on validation folds.

Why a fixed rule and not a learned combiner: the object-defined class *is defined* by
the object's presence, so "object present -> target, absent -> confuser" is the class
definition itself, not a fitted hypothesis; and the validation folds hold few videos
of these classes (a handful per fold), so a learned combiner (logistic regression on
scores + evidence, a small MLP, ...) would fit fold noise. The only free number is the
detector-score threshold, which :func:`fit_threshold` can choose on validation folds
(a 1-D grid search, hard to overfit) when the default 0.5 is not trusted.
"""
import logging
import os
from typing import Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from mmsport.fileio.media import VIDEO_EXTS  # extensions stripped by video_id
from mmsport.registry import MODELS
from .threshold_fit import DEFAULT_THRESHOLDS, fit_rule_threshold

__all__ = ['DEFAULT_THRESHOLDS', 'MODES', 'VIDEO_EXTS', 'DetectorEvidenceFusion', 'fit_threshold',
           'video_evidence', 'video_id']

MODES = ('rule', 'hard')


def video_id(path: str) -> str:
    """Video id of a rawframe folder or video file: its basename without a video extension.

    ``data/rawframes/test/vid_01`` -> ``vid_01``; ``videos/vid_01.mp4`` -> ``vid_01``.
    Only known video extensions (:data:`VIDEO_EXTS`) are stripped, so a frame folder
    whose name holds a dot (``game.1``) keeps it.
    """
    base = os.path.basename(os.path.normpath(str(path)))
    stem, ext = os.path.splitext(base)
    return stem if ext.lower() in VIDEO_EXTS else base


def _np(x) -> np.ndarray:
    """Tensor / array / list -> numpy array (no copy for numpy input)."""
    if hasattr(x, 'detach'):
        x = x.detach().cpu().numpy()
    return np.asarray(x)


def _field(obj, key: str, default=None):
    """``obj[key]`` for a dict, ``obj.key`` for a data element, else ``default``."""
    if isinstance(obj, Mapping):
        return obj.get(key, default)
    return getattr(obj, key, default)


def video_evidence(det_results: Sequence,
                   video_ids: Sequence[str],
                   categories: Union[Sequence[str], int],
                   score_thr: float = 0.0,
                   img_id_to_video: Optional[Mapping] = None,
                   return_missing: bool = False):
    """Per-video detector evidence: the max detection score per category over frames.

    Args:
        det_results: mmdet 3 results (``tools/test.py --out``), one entry per frame, each
            a dict (or DetDataSample) with ``img_path`` (``.../<video>/img_00005.jpg``,
            the video id is the parent folder, see :func:`video_id`) or ``img_id`` (then
            ``img_id_to_video`` maps it), and ``pred_instances`` with ``scores`` (N,) and
            ``labels`` (N,) (0-based index into ``categories``).
        video_ids: (V,) the videos, in the row order of the output.
        categories: the detector's K category names in its label order, or K.
        score_thr: detections scoring below this are ignored.
        img_id_to_video: ``img_id -> video id`` for entries without ``img_path``.
        return_missing: also return the videos without any detection; when False a
            warning with their count is logged instead (``mmengine`` current logger).

    Returns:
        (V, K) float64 evidence in [0, 1] (0 where a category was never detected), or
        ``(evidence, missing)`` where ``missing`` lists the video ids whose row is all 0
        (no detector frames, or no box above ``score_thr``) when ``return_missing``.

    Raises:
        ValueError: an entry names no video, or a label is outside ``categories``.
    """
    num_k = categories if isinstance(categories, int) else len(categories)
    index = {v: i for i, v in enumerate(video_ids)}
    ev = np.zeros((len(index), num_k), dtype=np.float64)
    rows, labels, scores = [], [], []
    unknown = set()
    for n, det in enumerate(det_results):
        path = _field(det, 'img_path')
        if path is not None:
            vid = video_id(os.path.dirname(str(path)))
        else:
            img_id = _field(det, 'img_id')
            if img_id is None or img_id_to_video is None or img_id not in img_id_to_video:
                raise ValueError(f'detection result {n} has no img_path and its img_id '
                                 f'{img_id!r} maps to no video (give img_id_to_video)')
            vid = img_id_to_video[img_id]
        if vid not in index:
            unknown.add(vid)
            continue
        inst = _field(det, 'pred_instances')
        if inst is None:
            continue
        s = _np(_field(inst, 'scores', ())).astype(np.float64).reshape(-1)
        lab = _np(_field(inst, 'labels', ())).astype(np.int64).reshape(-1)
        if len(s) != len(lab):
            raise ValueError(f'detection result {n}: {len(s)} scores but {len(lab)} labels')
        rows.append(np.full(len(s), index[vid], dtype=np.int64))
        labels.append(lab)
        scores.append(s)
    if rows:
        rows, labels, scores = map(np.concatenate, (rows, labels, scores))
        if len(labels) and (labels.min() < 0 or labels.max() >= num_k):
            raise ValueError(f'detection label {int(labels.max())} (or {int(labels.min())}) is '
                             f'outside the {num_k} categories {categories!r}: give every '
                             'category of the detector, in its label order')
        keep = scores >= score_thr
        np.maximum.at(ev, (rows[keep], labels[keep]), np.clip(scores[keep], 0.0, 1.0))
    missing = [v for v, i in index.items() if not ev[i].any()]
    if not return_missing:
        from mmengine.logging import print_log
        if missing:
            print_log(f'{len(missing)} of {len(index)} videos have no detection '
                      f'(evidence 0), e.g. {missing[:3]}', logger='current',
                      level=logging.WARNING)
        if unknown:
            print_log(f'detections of {len(unknown)} videos outside video_ids ignored, '
                      f'e.g. {sorted(unknown)[:3]}', logger='current', level=logging.WARNING)
        return ev
    return ev, missing


def _name_index(name: str, names: Sequence[str], what: str) -> int:
    names = list(names)
    if name not in names:
        raise ValueError(f'unknown {what} {name!r}; known: {names}')
    return names.index(name)


def _move_mass(probs: np.ndarray, present: np.ndarray, frac_present: np.ndarray,
               frac_absent: np.ndarray, target: int, confusers: np.ndarray) -> np.ndarray:
    """One rule's mass transfer on a copy of ``probs``.

    Args:
        probs: (V, C) probabilities.
        present: (V,) bool, the object was detected (evidence >= threshold).
        frac_present: (V,) fraction of each confuser's mass moved to the target.
        frac_absent: (V,) fraction of the target's mass moved to the best confuser.
        target: target class index.
        confusers: (S,) confuser class indices.

    Returns:
        (V, C) fused probabilities; each row keeps its sum, classes outside
        ``{target} | confusers`` are untouched.
    """
    out = probs.copy()
    conf = out[:, confusers]  # (V, S)
    moved = conf * np.where(present, frac_present, 0.0)[:, None]  # (V, S)
    out[:, confusers] = conf - moved
    out[:, target] += moved.sum(axis=1)
    rows = np.arange(len(out))
    best = confusers[np.argmax(out[:, confusers], axis=1)]  # (V,)
    back = out[:, target] * np.where(present, 0.0, frac_absent)  # (V,)
    out[:, target] -= back
    out[rows, best] += back
    return out


@MODELS.register_module()
class DetectorEvidenceFusion:
    """Move probability mass between classes an object detector can tell apart.

    Each rule ``dict(category='ball', target='stand_with_ball', confusers=['stand'],
    threshold=0.5, boost=1.0)`` reads evidence ``e`` (the video's max detection score of
    ``category``, see :func:`video_evidence`) and, per video:

    * ``e >= threshold`` (object present): a fraction ``f = min(1, boost * e)``
      (``f = 1`` in ``mode='hard'``) of every confuser's probability moves to the
      target: ``p[target] += f * sum(p[confusers])``, ``p[confusers] *= 1 - f``;
    * ``e < threshold`` (object absent): a fraction ``g = min(1, absent_boost)``
      (``absent_boost`` defaults to ``boost``; ``g = 1`` in ``mode='hard'``) of the
      target's probability moves to the most probable confuser, because a class defined
      by the object's presence is unlikely without the object.

    Mass only moves inside ``{target} | confusers``: rows keep their sums (1 for
    probabilities) and every other class is untouched. Rules apply in order. Why a rule
    rather than a learned combiner: see the module docstring.

    Args:
        rules: list of rule dicts (keys above; ``threshold`` defaults to 0.5, ``boost``
            to 1.0; ``absent_boost`` optional). Names resolve at call time against the
            ``classes`` and ``categories`` given there.
        mode: ``'rule'`` (evidence-weighted transfer) or ``'hard'`` (all of the mass
            moves: the seed's override of the classifier).
    """

    RULE_KEYS = ('category', 'target', 'confusers', 'threshold', 'boost', 'absent_boost')

    def __init__(self, rules: Sequence[Dict], mode: str = 'rule'):
        if mode not in MODES:
            raise ValueError(f'mode must be one of {MODES}, got {mode!r}')
        self.mode = mode
        self.rules: List[Dict] = []
        for i, rule in enumerate(rules):
            rule = dict(rule)
            extra = set(rule) - set(self.RULE_KEYS)
            if extra or not {'category', 'target', 'confusers'} <= set(rule):
                raise ValueError(f'rule {i} needs category, target, confusers (optional '
                                 f'threshold, boost, absent_boost); got keys {sorted(rule)}')
            if isinstance(rule['confusers'], str):
                rule['confusers'] = [rule['confusers']]
            rule['confusers'] = list(rule['confusers'])
            if not rule['confusers'] or rule['target'] in rule['confusers']:
                raise ValueError(f'rule {i}: confusers must be non-empty and exclude the '
                                 f'target {rule["target"]!r}')
            rule.setdefault('threshold', 0.5)
            rule.setdefault('boost', 1.0)
            rule.setdefault('absent_boost', rule['boost'])
            if rule['boost'] < 0 or rule['absent_boost'] < 0:
                raise ValueError(f'rule {i}: boost and absent_boost must be >= 0')
            self.rules.append(rule)

    def __repr__(self) -> str:
        return f'{type(self).__name__}(rules={self.rules}, mode={self.mode!r})'

    def resolve(self, classes: Sequence[str], categories: Sequence[str]) -> List[Dict]:
        """The rules with names replaced by indices (``category``, ``target`` ints,
        ``confusers`` an int array); raises ValueError on an unknown name."""
        out = []
        for rule in self.rules:
            r = dict(rule)
            r['category'] = _name_index(rule['category'], categories, 'detector category')
            r['target'] = _name_index(rule['target'], classes, 'class')
            r['confusers'] = np.array(
                [_name_index(c, classes, 'class') for c in rule['confusers']], dtype=np.int64)
            out.append(r)
        return out

    def _apply_one(self, probs: np.ndarray, evidence: np.ndarray, r: Dict,
                   present: Optional[np.ndarray] = None) -> np.ndarray:
        """Apply resolved rule ``r``; ``present`` (V,) overrides the threshold test."""
        e = evidence[:, r['category']]
        if present is None:
            present = e >= r['threshold']
        if self.mode == 'hard':
            fp, fa = np.ones_like(e), np.ones_like(e)
        else:
            fp = np.clip(r['boost'] * e, 0.0, 1.0)
            fa = np.full_like(e, min(1.0, float(r['absent_boost'])))
        return _move_mass(probs, present, fp, fa, r['target'], r['confusers'])

    @staticmethod
    def _check(scores, evidence, num_c: int, num_k: int) -> Tuple[np.ndarray, np.ndarray]:
        p = np.asarray(scores, dtype=np.float64)
        e = np.asarray(evidence, dtype=np.float64)
        if p.ndim != 2 or p.shape[1] != num_c:
            raise ValueError(f'scores must be (V, {num_c}), got {p.shape}')
        if e.ndim != 2 or e.shape != (len(p), num_k):
            raise ValueError(f'evidence must be ({len(p)}, {num_k}), got {e.shape}')
        return p, e

    def __call__(self, scores: np.ndarray, evidence: np.ndarray, classes: Sequence[str],
                 categories: Sequence[str]) -> np.ndarray:
        """Fuse.

        Args:
            scores: (V, C) class probabilities (rows summing to 1).
            evidence: (V, K) detector evidence from :func:`video_evidence`.
            classes: the C class names, index order.
            categories: the K detector category names, label order.

        Returns:
            (V, C) fused probabilities (a new array; rows keep their sums).
        """
        p, e = self._check(scores, evidence, len(classes), len(categories))
        for r in self.resolve(classes, categories):
            p = self._apply_one(p, e, r)
        return p

    def fit_threshold(self, scores: np.ndarray, evidence: np.ndarray, labels: np.ndarray,
                      classes: Sequence[str], categories: Sequence[str], rule_index: int = 0,
                      candidates: Optional[Sequence[float]] = None,
                      folds: Optional[np.ndarray] = None, update: bool = True) -> Dict:
        """Choose rule ``rule_index``'s threshold on validation data (see
        :func:`fit_threshold`); with ``update`` the rule keeps it. Returns the fit dict."""
        return fit_rule_threshold(self, scores, evidence, labels, classes, categories, rule_index,
                                  candidates, folds, update)


def fit_threshold(scores: np.ndarray, evidence: np.ndarray, labels: np.ndarray,
                  rules: Sequence[Dict], classes: Sequence[str], categories: Sequence[str],
                  rule_index: int = 0, candidates: Optional[Sequence[float]] = None,
                  folds: Optional[np.ndarray] = None, mode: str = 'rule') -> Dict:
    """Pick the detector-score threshold of one rule that maximises validation accuracy.

    An optional, data-driven alternative to the default threshold 0.5. Every
    candidate is scored at once: for a fixed rule set the fused prediction of a video
    is one of two precomputed argmaxes (object present / absent), so the (T, V)
    correctness table is one ``np.where``. The score of a candidate is the mean of the
    per-fold accuracies (top-1); among equally good candidates the middle of the
    longest run of them (candidates sorted) is returned, the margin-maximising choice.
    Rules before ``rule_index`` are applied first and rules after it last, with their
    own thresholds. The default grid (0.05, 0.10, ..., 0.95) is deliberately coarse:
    a few validation videos cannot resolve finer steps.

    Args:
        scores: (V, C) validation class probabilities (out-of-fold).
        evidence: (V, K) detector evidence of those videos.
        labels: (V,) true class indices.
        rules: rule dicts (see :class:`DetectorEvidenceFusion`).
        classes: the C class names; categories: the K detector category names.
        rule_index: the rule whose threshold is fitted.
        candidates: (T,) thresholds to try (default :data:`DEFAULT_THRESHOLDS`).
        folds: (V,) fold id per video (default: one fold).
        mode: fusion mode, ``'rule'`` or ``'hard'``.

    Returns:
        dict with ``threshold``, ``accuracy`` (mean fold accuracy there),
        ``fold_accuracy`` (F,), ``candidates`` (T,), ``accuracies`` (T,) and
        ``accuracy_without_rule`` (the rule left out, for comparison).
    """
    fusion = DetectorEvidenceFusion(rules, mode=mode)
    return fusion.fit_threshold(scores, evidence, labels, classes, categories,
                                rule_index=rule_index, candidates=candidates, folds=folds)
