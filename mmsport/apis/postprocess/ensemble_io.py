"""Read and check the inputs of tools/postprocess/ensemble.py (see its docstring).

The class list, the test list, the sample submission's header and rows, the classifier
result pickles (mmaction2 ``tools/test.py --dump``: ids, order, labels and class count
checked against the test list, scores turned into probabilities), the ensemble weights,
the ``--fusion-config`` rules and a COCO json's ``img_id -> video`` map. Every
inconsistency raises :class:`EnsembleError` naming the file and what is wrong.
"""
import csv
import json
import os
import pickle

import numpy as np


class EnsembleError(ValueError):
    """An inconsistent input; the message names the file and what is wrong."""


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


def img_id_map(ann_path):
    """``img_id -> video id`` from a COCO json (parent folder of each file_name)."""
    from mmsport.models.fusion import video_id
    with open(ann_path) as f:
        coco = json.load(f)
    return {im['id']: video_id(os.path.dirname(im['file_name'])) for im in coco['images']}


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
