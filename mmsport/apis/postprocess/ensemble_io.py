"""Read and check the inputs of tools/recognition/ensemble.py (see its docstring).

The class list, the test list, the sample submission's header and rows, the classifier
result pickles (mmaction2 ``tools/test.py --dump``: ids, order, labels and class count
checked against the test list, scores turned into probabilities), the ensemble weights,
the ``--fusion-config`` rules and a COCO json's ``img_id -> video`` map. Every
inconsistency raises :class:`EnsembleError` naming the file and what is wrong (and the
line, position or key); a missing, truncated or corrupt pickle or json too.
"""
import csv
import json
import os

import numpy as np

from mmsport.fileio.containers import load_pickle


class EnsembleError(ValueError):
    """An inconsistent input; the message names the file and what is wrong."""


def _lines(path, what):
    """The lines of a text file; a missing or undecodable one raises EnsembleError."""
    try:
        with open(path, encoding='utf-8') as f:
            return f.read().splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise EnsembleError(f'{path}: cannot read the {what} ({e})') from e


def read_classes(path):
    """Class names, one per non-empty line."""
    names = [ln.strip() for ln in _lines(path, 'class list') if ln.strip()]
    if not names:
        raise EnsembleError(f'{path}: no class names')
    seen = {}
    for i, n in enumerate(names):
        if n in seen:
            raise EnsembleError(f'{path}: class name {n!r} listed twice (entries {seen[n] + 1} '
                                f'and {i + 1}); class names must be unique')
        seen[n] = i
    return names


def read_test_list(path):
    """(video ids (V,), labels (V,) int or None) from an mmaction rawframe/video list."""
    from mmsport.models.fusion import video_id
    ids, labels, seen = [], [], {}
    for line, ln in enumerate(_lines(path, 'test list'), start=1):
        parts = ln.split()
        if not parts:
            continue
        v = video_id(parts[0])
        if v in seen:
            raise EnsembleError(f'{path}:{line}: video {v!r} listed twice (first on line '
                                f'{seen[v]})')
        seen[v] = line
        ids.append(v)
        lab = None
        if len(parts) >= 3:
            try:
                lab = int(parts[-1])
            except ValueError:
                raise EnsembleError(f'{path}:{line}: label {parts[-1]!r} is not an integer '
                                    '(expected "frame_dir total_frames label")') from None
            if lab < 0:
                raise EnsembleError(f'{path}:{line}: label {lab} is negative')
        labels.append(lab)
    if not ids:
        raise EnsembleError(f'{path}: no videos listed')
    return ids, (None if any(lab is None for lab in labels) else labels)


def read_sample_submission(path):
    """(header, rows) of a CSV; the first column holds the video ids."""
    try:
        with open(path, newline='', encoding='utf-8-sig') as f:
            rows = [r for r in csv.reader(f) if r]
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise EnsembleError(f'{path}: cannot be read as CSV ({e})') from e
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


def load_result(path, test_ids, test_labels, num_classes, trust_order=False):
    """One classifier pickle -> ((V, C) probabilities, notes), checked against the list.

    Args:
        path: the ``--dump`` pickle.
        test_ids, test_labels: from :func:`read_test_list`.
        num_classes: C.
        trust_order: accept a pickle without video ids (checked by length, and by
            ``gt_label`` where both have labels) instead of raising: its rows cannot
            be aligned to the test list by id, so a pickle of another list or order
            would be silently misaligned.

    Raises:
        EnsembleError: unreadable / corrupt pickle, no video ids (unless
        ``trust_order``), wrong length, ids or order (naming the first mismatching
        position), a wrong number of classes or a non-finite score (position named).
    """
    data = load_pickle(path, 'result pickle', EnsembleError)
    if not isinstance(data, (list, tuple)):
        raise EnsembleError(f'{path}: expected a list of dicts (mmaction tools/test.py --dump)')
    for i, d in enumerate(data):
        if not isinstance(d, dict):
            raise EnsembleError(f'{path}: entry {i} is a {type(d).__name__}, not a dict '
                                '(mmaction tools/test.py --dump)')
        if 'pred_score' not in d:
            raise EnsembleError(f'{path}: entry {i} has no pred_score')
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
    elif not trust_order:
        raise EnsembleError(
            f'{path}: no video ids in the results, so its rows cannot be matched to the test '
            'list (add frame_dir/filename to the test pipeline\'s PackActionInputs meta_keys '
            'and re-run the test, or pass --trust-order to accept it checked by length and '
            'gt_label only)')
    else:
        notes.append('no video ids in the results (add frame_dir/filename to '
                     'PackActionInputs meta_keys): --trust-order, order checked by length '
                     'only')
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
    rows = []
    for i, d in enumerate(data):
        try:
            row = _np(d['pred_score']).astype(np.float64).reshape(-1)
        except (TypeError, ValueError) as e:
            raise EnsembleError(f'{path}: pred_score at position {i} is not numeric ({e})')
        if len(row) != num_classes:
            raise EnsembleError(f'{path}: {len(row)} scores at position {i} (video '
                                f'{test_ids[i]!r}), {num_classes} classes')
        if not np.isfinite(row).all():
            raise EnsembleError(f'{path}: pred_score at position {i} (video {test_ids[i]!r}) '
                                f'has a non-finite value: {row.tolist()}')
        rows.append(row)
    scores = np.stack(rows) if rows else np.zeros((0, num_classes))
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
            try:
                with open(spec, encoding='utf-8') as f:
                    obj = json.load(f)
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
                raise EnsembleError(f'{spec}: cannot be read as JSON ({e})') from e
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
    coco = load_coco_images(ann_path)
    return {im['id']: video_id(os.path.dirname(im['file_name'])) for im in coco}


def load_coco_images(ann_path):
    """The ``images`` list of a COCO json, each with an ``id`` (int, unique) and a
    ``file_name`` (non-empty string); errors name the file and the image's index."""
    try:
        with open(ann_path, encoding='utf-8') as f:
            coco = json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise EnsembleError(f'{ann_path}: cannot be read as JSON ({e})') from e
    images = coco.get('images') if isinstance(coco, dict) else None
    if not isinstance(images, list):
        raise EnsembleError(f'{ann_path}: not a COCO json (no "images" list)')
    seen = {}
    for i, im in enumerate(images):
        if not isinstance(im, dict):
            raise EnsembleError(f'{ann_path}: images[{i}] is not an object')
        iid, name = im.get('id'), im.get('file_name')
        if isinstance(iid, bool) or not isinstance(iid, int):
            raise EnsembleError(f'{ann_path}: images[{i}]: id {iid!r} is not an integer')
        if not isinstance(name, str) or not name:
            raise EnsembleError(f'{ann_path}: images[{i}]: file_name {name!r} is not a '
                                'non-empty string')
        if iid in seen:
            raise EnsembleError(f'{ann_path}: images[{i}]: id {iid} already used by '
                                f'images[{seen[iid]}]')
        seen[iid] = i
    return images


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
