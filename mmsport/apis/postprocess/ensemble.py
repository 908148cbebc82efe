"""Ensemble video-classifier results (+ optional detector fusion) into a submission CSV.

    python tools/recognition/ensemble.py --results model1.pkl model2.pkl --weights 0.5 0.5 \\
        --test-list test_list_rawframes.txt --classes classes.txt \\
        --sample-submission sample_submission.csv --out final.csv \\
        [--det-results det.pkl --categories ball person --fusion-config CONFIG_OR_JSON \\
         [--det-ann test_detect.json] [--det-score-thr 0.0]] \\
        [--scores-out ensemble_scores.npz] [--label-format name|index]

Inputs:

* ``--results``: mmaction2 1.2 ``tools/test.py --dump`` pickles: a list, one dict per
  test video in test-list order, with ``pred_score`` (C,) and the video's ``frame_dir``
  (rawframes) or ``filename`` (videos) *if* the test pipeline's ``PackActionInputs``
  has it in ``meta_keys`` (mmaction's default meta_keys do not; mmsport's recognition
  configs add ``frame_dir``). Scores become probabilities: a pickle whose rows all lie
  in [0, 1] and sum to 1 (+-1e-3) is taken as probabilities (``average_clips='prob'``),
  any other is softmaxed row-wise (logits, ``average_clips='score'``); decided per
  pickle, so one model is never half converted. Single-label classification only.
* Order check: the video ids of a pickle (basename of frame_dir/filename without a
  video extension) must equal the test list's, position by position; a different
  length, id or order is an ERROR naming the file and the first mismatching position.
  Results are never realigned. A pickle without ids cannot be matched to the test list,
  so it is an ERROR naming the file unless ``--trust-order`` is given (then it is
  checked by length, and by ``gt_label`` against the test list's labels where both
  exist, and a note says so). A missing, truncated or corrupt pickle and a non-finite
  score (position named) are errors too.
* The ensemble is the weighted mean of the models' probabilities (weights normalised
  to sum 1; default equal).
* Detector fusion (optional): ``--det-results`` is an mmdet 3.3 ``tools/test.py --out``
  pickle over the test videos' rawframes (``img_path`` = ``.../<video>/img_00005.jpg``;
  entries with only ``img_id`` need ``--det-ann``, the COCO json the detector was run
  on). ``--categories`` are the detector's class names in label order. The rules come
  from ``--fusion-config``: a python config with ``fusion = dict(type=
  'DetectorEvidenceFusion', rules=[...])``, a ``.json`` file, or inline JSON (a dict
  like that ``fusion`` entry, or a bare list of rules). Videos without detections get
  evidence 0 (a warning gives their count).
* Output: ``--out`` follows ``--sample-submission``: same rows in the same order, same
  columns. The first column is the video id (matched with or without extension); a
  ``label`` column gets the class name (``--label-format index``: the index); if the
  other columns are the class names, each gets that class's probability. Written
  atomically. ``--scores-out`` writes an npz (submission row order) with ``videos``,
  ``classes``, ``scores`` (V, C) final, ``ensemble`` (V, C) before fusion and, with a
  detector, ``evidence`` (V, K) and ``categories``.

Returns 0, or 1 with ``ERROR: ...`` on stderr when an input is inconsistent.

This module is the fusion / writing steps (:func:`run` does the whole job); the inputs
are read and checked by the sibling :mod:`.ensemble_io` and the ``--labels`` report is
:mod:`.ensemble_report`. The command line is :mod:`mmsport.cli.recognition_ensemble`.
"""
import csv
import importlib

import numpy as np

from mmsport.fileio.containers import load_pickle

from .ensemble_io import (EnsembleError, img_id_map, load_fusion_cfg, load_result,
                          normalise_weights, read_classes, read_sample_submission, read_test_list,
                          submission_layout)
from .ensemble_report import accuracy_report


def build_fusion(cfg):
    """Build the fusion object from mmsport's MODELS registry."""
    from mmsport.registry import MODELS
    importlib.import_module('mmsport.models.fusion')  # registers DetectorEvidenceFusion
    return MODELS.build(cfg)


def detector_fusion(probs, test_ids, classes, log, *, det_results, fusion_config, categories,
                    det_ann=None, det_score_thr=0.0):
    """Apply the ``fusion_config`` rules (``--fusion-config``) with the evidence of the
    detector results ``det_results`` (``--det-results``; ``categories``: the detector's
    class names in label order, ``det_ann``: its COCO json when entries have no img_path).

    Returns:
        ((V, C) fused probabilities, (V, K) evidence).
    """
    from mmsport.models.fusion import video_evidence
    if not fusion_config or not categories:
        raise EnsembleError('--det-results needs --fusion-config and --categories')
    fusion = build_fusion(load_fusion_cfg(fusion_config))
    dets = load_pickle(det_results, 'detector result pickle', EnsembleError)
    if not isinstance(dets, (list, tuple)):
        raise EnsembleError(f'{det_results}: expected a list (mmdet tools/test.py --out)')
    mapping = img_id_map(det_ann) if det_ann else None
    try:
        evidence, missing = video_evidence(dets, test_ids, categories,
                                           score_thr=det_score_thr,
                                           img_id_to_video=mapping, return_missing=True)
        resolved = fusion.resolve(classes, categories)
    except ValueError as e:
        raise EnsembleError(f'{det_results} / --fusion-config: {e}')
    if missing:
        log(f'WARNING: {len(missing)} of {len(test_ids)} videos have no detection in '
            f'{det_results} (evidence 0), e.g. {missing[:3]}')
    fused = fusion(probs, evidence, classes, categories)
    for rule, r in zip(fusion.rules, resolved):
        n = int((evidence[:, r['category']] >= rule['threshold']).sum())
        log(f'rule {rule["category"]} -> {rule["target"]} vs {rule["confusers"]} '
            f'(thr {rule["threshold"]:g}, {fusion.mode}): object present in {n} of '
            f'{len(test_ids)} videos')
    changed = int((fused.argmax(1) != probs.argmax(1)).sum())
    log(f'detector fusion changed the top class of {changed} videos')
    return fused, evidence


def write_submission(path, header, ids, probs, classes, label_col, prob_cols, label_format):
    """Write the CSV atomically: rows ``ids`` with (V, C) ``probs`` in the given columns."""
    from mmsport.utils.atomic import atomic_open
    top = probs.argmax(axis=1)
    with atomic_open(path, 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(header)
        for vid, p, t in zip(ids, probs, top):
            row = [vid] + [''] * (len(header) - 1)
            if label_col is not None:
                row[label_col] = classes[t] if label_format == 'name' else str(int(t))
            for j, c in prob_cols.items():
                row[j] = f'{p[c]:.6f}'
            w.writerow(row)


def save_scores(path, **arrays):
    """npz written atomically."""
    from mmsport.utils.atomic import atomic_open
    with atomic_open(path, 'wb') as f:
        np.savez(f, **arrays)


def run(*, results, test_list, classes, sample_submission, out, weights=None,
        det_results=None, categories=None, det_ann=None, det_score_thr=0.0,
        fusion_config=None, scores_out=None, label_format='name', label_column='label',
        trust_order=False, labels=None, log=print):
    """The whole tool; raises EnsembleError on inconsistent inputs. Returns a summary dict.

    The keyword arguments are the command line's options (module docstring):
    ``results`` (pickles), ``weights`` (None: equal), ``test_list``, ``classes`` (file),
    ``sample_submission``, ``out`` (CSV), the detector fusion (``det_results``,
    ``categories``, ``det_ann``, ``det_score_thr``, ``fusion_config``), ``scores_out``
    (npz), ``label_format`` ('name' or 'index'), ``label_column``, ``trust_order`` and
    ``labels`` (ground truth CSV for the accuracy report).
    """
    from mmsport.models.fusion import video_id
    classes = read_classes(classes)
    test_ids, test_labels = read_test_list(test_list)
    header, sub_rows = read_sample_submission(sample_submission)
    label_col, prob_cols = submission_layout(header, classes, label_column,
                                             sample_submission)
    weights = normalise_weights(weights, len(results))

    probs = np.zeros((len(test_ids), len(classes)))
    per_model = []
    for path, w in zip(results, weights):
        p, notes = load_result(path, test_ids, test_labels, len(classes),
                               trust_order=trust_order)
        per_model.append(p)
        probs += w * p
        log(f'{path}: weight {w:.3f}, {len(p)} videos' + ''.join(f'; {n}' for n in notes))
    ensemble = probs
    evidence = None
    if det_results:
        probs, evidence = detector_fusion(probs, test_ids, classes, log,
                                          det_results=det_results,
                                          fusion_config=fusion_config, categories=categories,
                                          det_ann=det_ann, det_score_thr=det_score_thr)
    elif fusion_config:
        raise EnsembleError('--fusion-config needs --det-results')

    row_of = {v: i for i, v in enumerate(test_ids)}
    sub_ids = [r[0] for r in sub_rows]
    order, missing, seen = [], [], set()
    for raw in sub_ids:
        v = video_id(raw)
        if v in seen:
            raise EnsembleError(f'{sample_submission}: video {raw!r} appears twice')
        seen.add(v)
        if v not in row_of:
            missing.append(raw)
        else:
            order.append(row_of[v])
    if missing:
        raise EnsembleError(f'{len(missing)} submission videos have no result, first '
                            f'{missing[0]!r} ({sample_submission} vs {test_list})')
    extra = len(test_ids) - len(order)
    if extra:
        log(f'WARNING: {extra} test-list videos are not in the sample submission (not written)')
    order = np.asarray(order, dtype=np.int64)
    final = probs[order]
    write_submission(out, header, sub_ids, final, classes, label_col, prob_cols,
                     label_format)
    if scores_out:
        arrays = dict(videos=np.array([video_id(v) for v in sub_ids]),
                      classes=np.array(classes), scores=final, ensemble=ensemble[order],
                      weights=weights, results=np.array(results))
        if evidence is not None:
            arrays.update(evidence=evidence[order], categories=np.array(categories))
        save_scores(scores_out, **arrays)
    counts = np.bincount(final.argmax(1), minlength=len(classes)) if len(final) else \
        np.zeros(len(classes), int)
    layout = ('label' if label_col is not None else '') + \
        ('+per-class probabilities' if prob_cols else '')
    log(f'wrote {out}: {len(final)} videos ({layout}); predicted '
        + ', '.join(f'{c} {n}' for c, n in zip(classes, counts.tolist())))
    if scores_out:
        log(f'wrote {scores_out}')
    summary = dict(scores=final, videos=sub_ids, evidence=evidence)
    if labels:
        stages = {f'model{i + 1}': p for i, p in enumerate(per_model)}
        stages['ensemble'] = ensemble
        if evidence is not None:
            stages['ensemble+detector'] = probs
        summary['accuracy'] = accuracy_report(labels, test_ids, classes, stages, log)
    return summary

