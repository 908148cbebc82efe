"""Command line: evaluate a folder of results_spotting.json files like the SoccerNet evaluator.

    python tools/evaluate_spotting.py LABELS_ROOT PRED_ROOT --label-file Labels-ball.json \\
        --framerate 25 --metric at1|tight|loose|at2..at5 [--classes PASS DRIVE] [--strict]

Every game folder under LABELS_ROOT holding the label file is evaluated against
``PRED_ROOT/<game>/results_spotting.json`` (a missing one is an error that
names it). Values equal the reference ``SoccerNet.Evaluation.ActionSpotting``
(PyPI SoccerNet 0.2.0); see mmsport/evaluation/functional/spotting.py. The
last stdout line is JSON: ``{"a_mAP": value, "a_mAP_per_class": [...], ...}``.
Torch-free (:mod:`mmsport.evaluation.spotting_files`).

Every file is validated (docs/bad_inputs.md): a malformed entry is an error naming the
file and the entry (exit code 2). What the reference evaluator silently ignores (labels
not in the classes, halves other than 1 and 2, ...) is kept as it does, with a
``warning: <file>: <count> ...`` line on stderr; ``--strict`` makes it an error.
"""
import argparse
import json
import sys
import warnings

from mmsport.evaluation.functional.spotting import DELTAS
from mmsport.evaluation.spotting_files import SpottingEvalError, default_classes, evaluate_folder
from mmsport.fileio.soccernet import SoccerNetDataError, SoccerNetDataWarning


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description='SoccerNet-compatible spotting evaluation')
    p.add_argument('labels_root')
    p.add_argument('pred_root')
    p.add_argument('--label-file', default='Labels-ball.json')
    p.add_argument('--prediction-file', default='results_spotting.json')
    p.add_argument('--framerate', type=float, default=25)
    p.add_argument('--metric', default='at1', choices=sorted(DELTAS))
    p.add_argument('--classes', nargs='+', help='class names in order (default: by label file)')
    p.add_argument('--strict', action='store_true',
                   help='unknown labels, extra halves, unknown visibilities and positions '
                   'past the half are errors (default: warned about and ignored, as the '
                   'SoccerNet evaluator ignores them)')
    a = p.parse_args(argv)
    classes = tuple(a.classes) if a.classes else default_classes(a.label_file)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always', SoccerNetDataWarning)
        try:
            res = evaluate_folder(a.labels_root, a.pred_root, a.label_file, classes,
                                  a.framerate, a.metric, a.prediction_file, strict=a.strict)
        except (SpottingEvalError, SoccerNetDataError) as e:
            res = e
    for w in caught:
        print(f'warning: {w.message}', file=sys.stderr)
    if isinstance(res, Exception):
        print(f'error: {res}', file=sys.stderr)
        return 2
    for name, v in zip(classes, res['a_mAP_per_class']):
        print(f'{name:28s} {v:.4f}')
    print(f'{"a_mAP (" + a.metric + ")":28s} {res["a_mAP"]:.4f}')
    try:
        line = json.dumps(res, allow_nan=False)
    except ValueError:
        print(f'error: a metric value is not finite: {res}', file=sys.stderr)
        return 2
    print(line)
    return 0


if __name__ == '__main__':
    sys.exit(main())
