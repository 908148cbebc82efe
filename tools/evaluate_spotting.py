"""Evaluate a folder of results_spotting.json files like the SoccerNet evaluator.

    python tools/evaluate_spotting.py LABELS_ROOT PRED_ROOT --label-file Labels-ball.json \\
        --framerate 25 --metric at1|tight|loose|at2..at5 [--classes PASS DRIVE]

Every game folder under LABELS_ROOT holding the label file is evaluated against
``PRED_ROOT/<game>/results_spotting.json`` (a missing one is an error that
names it). Values equal the reference ``SoccerNet.Evaluation.ActionSpotting``
(PyPI SoccerNet 0.2.0); see mmsport/evaluation/functional/spotting.py. The
last stdout line is JSON: ``{"a_mAP": value, "a_mAP_per_class": [...], ...}``.
Torch-free (:mod:`mmsport.evaluation.spotting_files`).
"""
import argparse
import json
import sys

from mmsport.evaluation.functional.spotting import DELTAS
from mmsport.evaluation.spotting_files import SpottingEvalError, default_classes, evaluate_folder


def main(argv=None):
    p = argparse.ArgumentParser(description='SoccerNet-compatible spotting evaluation')
    p.add_argument('labels_root')
    p.add_argument('pred_root')
    p.add_argument('--label-file', default='Labels-ball.json')
    p.add_argument('--prediction-file', default='results_spotting.json')
    p.add_argument('--framerate', type=float, default=25)
    p.add_argument('--metric', default='at1', choices=sorted(DELTAS))
    p.add_argument('--classes', nargs='+', help='class names in order (default: by label file)')
    a = p.parse_args(argv)
    classes = tuple(a.classes) if a.classes else default_classes(a.label_file)
    try:
        res = evaluate_folder(a.labels_root, a.pred_root, a.label_file, classes, a.framerate,
                              a.metric, a.prediction_file)
    except SpottingEvalError as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    for name, v in zip(classes, res['a_mAP_per_class']):
        print(f'{name:28s} {v:.4f}')
    print(f'{"a_mAP (" + a.metric + ")":28s} {res["a_mAP"]:.4f}')
    print(json.dumps(res))
    return 0


if __name__ == '__main__':
    sys.exit(main())
