"""Fit a :class:`DetectorEvidenceFusion` rule's detector-score threshold on validation data.

The fusion rules of :mod:`.detector_evidence_fusion` have one free number each, the
detector-score threshold above which the object counts as present. :func:`fit_rule_threshold`
(called by ``DetectorEvidenceFusion.fit_threshold`` and the functional
``detector_evidence_fusion.fit_threshold``) chooses it by a 1-D grid search over validation folds, an
optional, data-driven alternative to the default 0.5.
"""
from typing import Dict, Optional, Sequence

import numpy as np

DEFAULT_THRESHOLDS = np.round(np.linspace(0.05, 0.95, 19), 2)


def fit_rule_threshold(fusion, scores: np.ndarray, evidence: np.ndarray, labels: np.ndarray,
                       classes: Sequence[str], categories: Sequence[str], rule_index: int = 0,
                       candidates: Optional[Sequence[float]] = None,
                       folds: Optional[np.ndarray] = None, update: bool = True) -> Dict:
    """Choose rule ``rule_index``'s threshold of ``fusion`` on validation data.

    The body of ``DetectorEvidenceFusion.fit_threshold``; see :func:`fit_threshold` for
    the method and the arguments (``fusion`` replaces ``rules`` and ``mode``). With
    ``update`` the rule keeps the chosen threshold. Returns the fit dict.
    """
    p, e = fusion._check(scores, evidence, len(classes), len(categories))
    labels = np.asarray(labels, dtype=np.int64).reshape(-1)
    if not len(p):
        raise ValueError('fit_threshold needs at least one validation video')
    if len(labels) != len(p):
        raise ValueError(f'{len(labels)} labels for {len(p)} videos')
    if not 0 <= rule_index < len(fusion.rules):
        raise IndexError(f'rule_index {rule_index} out of range ({len(fusion.rules)} rules)')
    folds = np.zeros(len(p), np.int64) if folds is None else np.asarray(folds).reshape(-1)
    if len(folds) != len(p):
        raise ValueError(f'{len(folds)} fold ids for {len(p)} videos')
    cand = np.sort(np.asarray(DEFAULT_THRESHOLDS if candidates is None else candidates,
                              dtype=np.float64).reshape(-1))
    if not len(cand):
        raise ValueError('no candidate thresholds')
    resolved = fusion.resolve(classes, categories)
    for r in resolved[:rule_index]:
        p = fusion._apply_one(p, e, r)
    r = resolved[rule_index]
    ones = np.ones(len(p), dtype=bool)
    branches = [fusion._apply_one(p, e, r, present=ones),   # object present everywhere
                fusion._apply_one(p, e, r, present=~ones),  # object absent everywhere
                p]                                          # rule left out
    for later in resolved[rule_index + 1:]:
        branches = [fusion._apply_one(b, e, later) for b in branches]
    pred_present, pred_absent, pred_without = (b.argmax(axis=1) for b in branches)
    is_present = e[None, :, r['category']] >= cand[:, None]  # (T, V)
    correct = np.where(is_present, pred_present, pred_absent) == labels  # (T, V)
    fold_ids = np.unique(folds)
    fold_acc = np.stack([correct[:, folds == f].mean(axis=1) for f in fold_ids], 1)  # (T, F)
    acc = fold_acc.mean(axis=1)  # (T,)
    best = _middle_of_longest_run(np.isclose(acc, acc.max()))
    without = np.mean([(pred_without == labels)[folds == f].mean() for f in fold_ids])
    result = dict(threshold=float(cand[best]), accuracy=float(acc[best]),
                  fold_accuracy=fold_acc[best], candidates=cand, accuracies=acc,
                  accuracy_without_rule=float(without))
    if update:
        fusion.rules[rule_index]['threshold'] = result['threshold']
    return result


def _middle_of_longest_run(mask: np.ndarray) -> int:
    """Index at the middle of the longest run of True in ``mask`` (T,) (first on ties):
    the threshold farthest from both ends of the best plateau."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    starts, ends = edges[::2], edges[1::2]  # runs are [start, end)
    k = int(np.argmax(ends - starts))
    return int((starts[k] + ends[k] - 1) // 2)
