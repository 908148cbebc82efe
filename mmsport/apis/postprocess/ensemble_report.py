"""Accuracy report of tools/recognition/ensemble.py's ``--labels``: each stage's top-1,
mean class accuracy and per-class recall against a ``video,label`` ground-truth CSV.

:class:`EnsembleError` comes from the sibling :mod:`.ensemble_io`.
"""
import csv

import numpy as np

from .ensemble_io import EnsembleError


def accuracy_report(labels_csv, test_ids, classes, stages, log=print):
    """Top-1, mean class accuracy and per-class recall of each stage's (V, C) scores.

    Uses mmaction2's ``top_k_accuracy`` / ``mean_class_accuracy``; the ground truth is a
    ``video,label`` CSV (class names); every test video must have a label.
    """
    from mmaction.evaluation.functional import mean_class_accuracy, top_k_accuracy

    from mmsport.models.fusion import video_id
    truth = {}
    try:
        with open(labels_csv, newline='', encoding='utf-8-sig') as f:
            reader = csv.DictReader(f)
            missing_cols = [c for c in ('video', 'label') if c not in (reader.fieldnames or ())]
            if missing_cols:
                raise EnsembleError(f'{labels_csv}: missing column(s) {missing_cols} (header: '
                                    f'{reader.fieldnames})')
            for r in reader:
                v = video_id(r['video'] or '')
                if v in truth:
                    raise EnsembleError(f'{labels_csv}:{reader.line_num}: video {v!r} '
                                        'labelled twice')
                truth[v] = (r['label'] or '').strip()
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise EnsembleError(f'{labels_csv}: cannot be read as CSV ({e})') from e
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
