"""Ensemble video-classifier results (+ optional detector fusion) into a submission CSV.

    python tools/postprocess/ensemble.py --results model1.pkl model2.pkl --weights 0.5 0.5 \\
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
  Results are never realigned. A pickle without ids can only be checked by length (and
  by ``gt_label`` against the test list's labels where both exist): a warning says so.
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
"""
import argparse
import csv
import json
import os
import pickle
import sys

import numpy as np


class EnsembleError(ValueError):
    """An inconsistent input; the message names the file and what is wrong."""


def parse_args(argv=None):
    """Command-line arguments."""
    p = argparse.ArgumentParser(description='classifier ensemble (+ detector fusion) -> CSV')
    p.add_argument('--results', nargs='+', required=True, help='mmaction --dump pickles')
    p.add_argument('--weights', nargs='+', type=float, help='one per result (default equal)')
    p.add_argument('--test-list', required=True, help='rawframe list: frame_dir frames label')
    p.add_argument('--classes', required=True, help='class names, one a line, index order')
    p.add_argument('--sample-submission', required=True, help='CSV giving rows and columns')
    p.add_argument('--out', required=True, help='submission CSV to write')
    p.add_argument('--det-results', help='mmdet --out pickle over the test rawframes')
    p.add_argument('--categories', nargs='+', help='detector class names, label order')
    p.add_argument('--det-ann', help='COCO json mapping img_id -> file_name (if no img_path)')
    p.add_argument('--det-score-thr', type=float, default=0.0,
                   help='ignore detections below this score')
    p.add_argument('--fusion-config', help='python config / json file / inline JSON')
    p.add_argument('--scores-out', help='npz of the final scores (submission order)')
    p.add_argument('--label-format', choices=('name', 'index'), default='name')
    p.add_argument('--label-column', default='label', help='name of the label column')
    p.add_argument('--labels', help='ground truth CSV (video,label by class name): prints top-1 '
                   'and mean class accuracy of each model, the ensemble and the fused scores; '
                   'the last stdout line is JSON')
    return p.parse_args(argv)


def read_classes(path):
    """Class names, one per non-empty line."""
    with open(path) as f:
        names = [ln.strip() for ln in f if ln.strip()]
    if len(set(names)) != len(names) or not names:
        raise EnsembleError(f'{path}: class names must be unique and non-empty')
    return names


def read_test_list(path):
    """(video ids (V,), labels (V,) int or None) from an mmaction rawframe/video list."""
    from mmsport.models.fusion import video_id
    ids, labels = [], []
    with open(path) as f:
        for ln in f:
            parts = ln.split()
            if parts:
                ids.append(video_id(parts[0]))
                labels.append(int(parts[-1]) if len(parts) >= 3 else None)
    seen = set()
    for i, v in enumerate(ids):
        if v in seen:
            raise EnsembleError(f'{path}: video {v!r} listed twice (line {i + 1})')
        seen.add(v)
    return ids, (None if any(lab is None for lab in labels) else labels)


def read_sample_submission(path):
    """(header, rows) of a CSV; the first column holds the video ids."""
    with open(path, newline='') as f:
        rows = [r for r in csv.reader(f) if r]
    if not rows or len(rows[0]) < 2:
        raise EnsembleError(f'{path}: needs a header with an id column and >= 1 more column')
    return rows[0], rows[1:]


def to_probabilities(scores):
    """(V, C) scores -> (probabilities, converted): softmax unless rows are already
    probabilities (all in [0, 1], each row summing to 1 within 1e-3)."""
    s = np.asarray(scores, dtype=np.float64)
    if s.size and s.min() >= -1e-6 and s.max() <= 1 + 1e-6 and np.allclose(s.sum(1), 1,
                                                                             atol=1e-3):
        return s, False
    z = np.exp(s - s.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True), True


def _np(x):
    if hasattr(x, 'detach'):
        x = x.detach().cpu().numpy()
    return np.asarray(x)


def _sample_id(sample):
    """Video id of one dumped result (None when it carries neither key)."""
    from mmsport.models.fusion import video_id
    for key in ('frame_dir', 'filename'):
        if sample.get(key) is not None:
            return video_id(sample[key])
    return None


def load_result(path, test_ids, test_labels, num_classes):
    """One classifier pickle -> ((V, C) probabilities, notes), checked against the list.

    Raises:
        EnsembleError: wrong length, ids or order (naming the first mismatching
        position), or a wrong number of classes.
    """
    with open(path, 'rb') as f:
        data = pickle.load(f)
    if not isinstance(data, (list, tuple)) or not all(isinstance(d, dict) for d in data):
        raise EnsembleError(f'{path}: expected a list of dicts (mmaction tools/test.py --dump)')
    if any('pred_score' not in d for d in data):
        raise EnsembleError(f'{path}: an entry has no pred_score')
    ids = [_sample_id(d) for d in data]
    notes = []
    if all(v is not None for v in ids):
        for i, (a, b) in enumerate(zip(ids, test_ids)):
            if a != b:
                raise EnsembleError(
                    f'{path}: video order differs from the test list at position {i}: result '
                    f'{a!r}, test list {b!r} (a result of another test list? results are '
                    'never realigned)')
    elif any(v is not None for v in ids):
        raise EnsembleError(f'{path}: entry {ids.index(None)} has no frame_dir/filename '
                            'while others have one')
    else:
        notes.append('no video ids in the results (add frame_dir/filename to '
                     'PackActionInputs meta_keys): order checked by length only')
    if len(data) != len(test_ids):
        raise EnsembleError(
            f'{path}: {len(data)} results but the test list has {len(test_ids)} videos; first '
            f'mismatching position {min(len(data), len(test_ids))} (a result of another test '
            'list?)')
    if test_labels is not None:
        for i, (d, lab) in enumerate(zip(data, test_labels)):
            gt = d.get('gt_label')
            gt = None if gt is None else _np(gt).reshape(-1)
            if gt is not None and gt.size == 1 and int(gt[0]) != lab:
                raise EnsembleError(f'{path}: gt_label {int(gt[0])} at position {i} differs '
                                    f'from the test list label {lab} (another test list or '
                                    'order?)')
    scores = np.stack([_np(d['pred_score']).astype(np.float64).reshape(-1) for d in data]) \
        if data else np.zeros((0, num_classes))
    if scores.shape[1] != num_classes:
        raise EnsembleError(f'{path}: {scores.shape[1]} scores per video, {num_classes} classes')
    probs, converted = to_probabilities(scores)
    if converted:
        notes.append('logits: softmax applied')
    return probs, notes


def normalise_weights(weights, n):
    """(n,) weights summing to 1 (default equal)."""
    if weights is None:
        return np.full(n, 1.0 / n)
    w = np.asarray(weights, dtype=np.float64)
    if len(w) != n:
        raise EnsembleError(f'{len(w)} weights for {n} results')
    if (w < 0).any() or w.sum() <= 0:
        raise EnsembleError(f'weights must be >= 0 with a positive sum, got {list(weights)}')
    return w / w.sum()


def load_fusion_cfg(spec):
    """``--fusion-config`` (python config / json file / inline JSON) -> fusion cfg dict."""
    if os.path.isfile(spec):
        if spec.endswith('.py'):
            from mmengine.config import Config
            cfg = Config.fromfile(spec)
            if 'fusion' not in cfg:
                raise EnsembleError(f'{spec}: no `fusion = dict(type=..., rules=[...])` entry')
            obj = cfg.fusion.to_dict() if hasattr(cfg.fusion, 'to_dict') else cfg.fusion
        else:
            with open(spec) as f:
                obj = json.load(f)
    else:
        try:
            obj = json.loads(spec)
        except json.JSONDecodeError as e:
            raise EnsembleError(f'--fusion-config {spec!r} is neither a file nor JSON ({e})')
    if isinstance(obj, list):
        obj = dict(rules=obj)
    if not isinstance(obj, dict):
        raise EnsembleError(f'--fusion-config: expected a dict or a list of rules, got {obj!r}')
    if 'fusion' in obj and 'rules' not in obj:
        obj = obj['fusion']
    obj = dict(obj)
    obj.setdefault('type', 'DetectorEvidenceFusion')
    return obj


def build_fusion(cfg):
    """Build the fusion object from mmsport's MODELS registry."""
    import mmsport.models.fusion  # noqa: F401  (registers DetectorEvidenceFusion)
    from mmsport.registry import MODELS
    return MODELS.build(cfg)


def img_id_map(ann_path):
    """``img_id -> video id`` from a COCO json (parent folder of each file_name)."""
    from mmsport.models.fusion import video_id
    with open(ann_path) as f:
        coco = json.load(f)
    return {im['id']: video_id(os.path.dirname(im['file_name'])) for im in coco['images']}


def detector_fusion(args, probs, test_ids, classes, log):
    """Apply the ``--fusion-config`` rules with the ``--det-results`` evidence.

    Returns:
        ((V, C) fused probabilities, (V, K) evidence).
    """
    from mmsport.models.fusion import video_evidence
    if not args.fusion_config or not args.categories:
        raise EnsembleError('--det-results needs --fusion-config and --categories')
    fusion = build_fusion(load_fusion_cfg(args.fusion_config))
    with open(args.det_results, 'rb') as f:
        dets = pickle.load(f)
    if not isinstance(dets, (list, tuple)):
        raise EnsembleError(f'{args.det_results}: expected a list (mmdet tools/test.py --out)')
    mapping = img_id_map(args.det_ann) if args.det_ann else None
    try:
        evidence, missing = video_evidence(dets, test_ids, args.categories,
                                           score_thr=args.det_score_thr,
                                           img_id_to_video=mapping, return_missing=True)
        resolved = fusion.resolve(classes, args.categories)
    except ValueError as e:
        raise EnsembleError(f'{args.det_results} / --fusion-config: {e}')
    if missing:
        log(f'WARNING: {len(missing)} of {len(test_ids)} videos have no detection in '
            f'{args.det_results} (evidence 0), e.g. {missing[:3]}')
    fused = fusion(probs, evidence, classes, args.categories)
    for rule, r in zip(fusion.rules, resolved):
        n = int((evidence[:, r['category']] >= rule['threshold']).sum())
        log(f'rule {rule["category"]} -> {rule["target"]} vs {rule["confusers"]} '
            f'(thr {rule["threshold"]:g}, {fusion.mode}): object present in {n} of '
            f'{len(test_ids)} videos')
    changed = int((fused.argmax(1) != probs.argmax(1)).sum())
    log(f'detector fusion changed the top class of {changed} videos')
    return fused, evidence


def submission_layout(header, classes, label_column, path):
    """(label column index or None, {column index: class index}) of a submission header."""
    cls_index = {c: i for i, c in enumerate(classes)}
    label_col, prob_cols, unknown = None, {}, []
    for j, name in enumerate(header[1:], start=1):
        if name in cls_index:
            prob_cols[j] = cls_index[name]
        elif name == label_column:
            label_col = j
        else:
            unknown.append(name)
    if unknown:
        raise EnsembleError(f'{path}: columns {unknown} are neither {label_column!r} nor class '
                            'names')
    if prob_cols and len(prob_cols) != len(classes):
        missing = [c for c in classes if c not in header]
        raise EnsembleError(f'{path}: per-class columns miss the classes {missing}')
    return label_col, prob_cols


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


def run(args, log=print):
    """The whole tool; raises EnsembleError on inconsistent inputs. Returns a summary dict."""
    from mmsport.models.fusion import video_id
    classes = read_classes(args.classes)
    test_ids, test_labels = read_test_list(args.test_list)
    header, sub_rows = read_sample_submission(args.sample_submission)
    label_col, prob_cols = submission_layout(header, classes, args.label_column,
                                             args.sample_submission)
    weights = normalise_weights(args.weights, len(args.results))

    probs = np.zeros((len(test_ids), len(classes)))
    per_model = []
    for path, w in zip(args.results, weights):
        p, notes = load_result(path, test_ids, test_labels, len(classes))
        per_model.append(p)
        probs += w * p
        log(f'{path}: weight {w:.3f}, {len(p)} videos' + ''.join(f'; {n}' for n in notes))
    ensemble = probs
    evidence = None
    if args.det_results:
        probs, evidence = detector_fusion(args, probs, test_ids, classes, log)
    elif args.fusion_config:
        raise EnsembleError('--fusion-config needs --det-results')

    row_of = {v: i for i, v in enumerate(test_ids)}
    sub_ids = [r[0] for r in sub_rows]
    order, missing, seen = [], [], set()
    for raw in sub_ids:
        v = video_id(raw)
        if v in seen:
            raise EnsembleError(f'{args.sample_submission}: video {raw!r} appears twice')
        seen.add(v)
        if v not in row_of:
            missing.append(raw)
        else:
            order.append(row_of[v])
    if missing:
        raise EnsembleError(f'{len(missing)} submission videos have no result, first '
                            f'{missing[0]!r} ({args.sample_submission} vs {args.test_list})')
    extra = len(test_ids) - len(order)
    if extra:
        log(f'WARNING: {extra} test-list videos are not in the sample submission (not written)')
    order = np.asarray(order, dtype=np.int64)
    final = probs[order]
    write_submission(args.out, header, sub_ids, final, classes, label_col, prob_cols,
                     args.label_format)
    if args.scores_out:
        arrays = dict(videos=np.array([video_id(v) for v in sub_ids]),
                      classes=np.array(classes), scores=final, ensemble=ensemble[order],
                      weights=weights, results=np.array(args.results))
        if evidence is not None:
            arrays.update(evidence=evidence[order], categories=np.array(args.categories))
        save_scores(args.scores_out, **arrays)
    counts = np.bincount(final.argmax(1), minlength=len(classes)) if len(final) else \
        np.zeros(len(classes), int)
    layout = ('label' if label_col is not None else '') + \
        ('+per-class probabilities' if prob_cols else '')
    log(f'wrote {args.out}: {len(final)} videos ({layout}); predicted '
        + ', '.join(f'{c} {n}' for c, n in zip(classes, counts.tolist())))
    if args.scores_out:
        log(f'wrote {args.scores_out}')
    out = dict(scores=final, videos=sub_ids, evidence=evidence)
    if args.labels:
        stages = {f'model{i + 1}': p for i, p in enumerate(per_model)}
        stages['ensemble'] = ensemble
        if evidence is not None:
            stages['ensemble+detector'] = probs
        out['accuracy'] = accuracy_report(args.labels, test_ids, classes, stages, log)
    return out


def accuracy_report(labels_csv, test_ids, classes, stages, log=print):
    """Top-1, mean class accuracy and per-class recall of each stage's (V, C) scores.

    Uses mmaction2's ``top_k_accuracy`` / ``mean_class_accuracy``; the ground truth is a
    ``video,label`` CSV (class names); every test video must have a label.
    """
    import csv
    from mmaction.evaluation.functional import mean_class_accuracy, top_k_accuracy

    from mmsport.models.fusion import video_id
    with open(labels_csv, newline='') as f:
        truth = {video_id(r['video']): r['label'] for r in csv.DictReader(f)}
    index = {c: i for i, c in enumerate(classes)}
    missing = [v for v in test_ids if v not in truth]
    if missing:
        raise EnsembleError(f'{labels_csv}: no label for {len(missing)} test videos, first '
                            f'{missing[0]!r}')
    unknown = sorted({truth[v] for v in test_ids} - set(index))
    if unknown:
        raise EnsembleError(f'{labels_csv}: unknown class name(s) {unknown}')
    gt = np.array([index[truth[v]] for v in test_ids])
    report = {}
    for name, scores in stages.items():
        pred = scores.argmax(1)
        recall = {c: float((pred[gt == i] == i).mean()) for i, c in enumerate(classes)
                  if (gt == i).any()}
        report[name] = dict(top1=float(top_k_accuracy(list(scores), gt, (1, ))[0]),
                            mean_class_accuracy=float(mean_class_accuracy(list(scores), gt)),
                            recall=recall)
        log(f'{name:>18}: top-1 {report[name]["top1"]:.3f}  mean class accuracy '
            f'{report[name]["mean_class_accuracy"]:.3f}  recall '
            + ' '.join(f'{c} {r:.2f}' for c, r in recall.items()))
    return report


def main(argv=None) -> int:
    """CLI entry: 0 on success, 1 (``ERROR: ...`` on stderr) on an inconsistent input."""
    args = parse_args(argv)
    try:
        out = run(args)
    except (EnsembleError, FileNotFoundError) as e:
        print(f'ERROR: {e}', file=sys.stderr)
        return 1
    if 'accuracy' in out:
        import json
        print(json.dumps(out['accuracy']))
    return 0


if __name__ == '__main__':
    sys.exit(main())
