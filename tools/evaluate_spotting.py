"""Evaluate a folder of results_spotting.json files like the SoccerNet evaluator.

    python tools/evaluate_spotting.py LABELS_ROOT PRED_ROOT --label-file Labels-ball.json \\
        --framerate 25 --metric at1|tight|loose|at2..at5 [--classes PASS DRIVE]

Every game folder under LABELS_ROOT holding the label file is evaluated against
``PRED_ROOT/<game>/results_spotting.json`` (a missing one is an error that
names it). Values equal the reference ``SoccerNet.Evaluation.ActionSpotting``
(PyPI SoccerNet 0.2.0); see mmsport/evaluation/functional/spotting.py. The
last stdout line is JSON: ``{"a_mAP": value, "a_mAP_per_class": [...], ...}``.
"""
import argparse
import json
import os
import sys

from mmsport.evaluation.functional.spotting import (BALL_2023_CLASSES, DELTAS, V2_CLASSES,
                                                    average_map, labels_to_vectors,
                                                    predictions_to_vectors)


class SpottingEvalError(ValueError):
    """Bad evaluation input; the message names the file."""


def find_games(labels_root: str, label_file: str):
    games = []
    for root, _, files in os.walk(labels_root):
        if label_file in files:
            games.append(os.path.relpath(root, labels_root))
    if not games:
        raise SpottingEvalError(f'{labels_root}: no game folder holds {label_file}')
    return sorted(games)


def _load_json(path: str, key: str):
    if not os.path.isfile(path):
        raise SpottingEvalError(f'{path}: file is missing')
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        raise SpottingEvalError(f'{path}: not valid JSON ({e})') from e
    if not isinstance(data.get(key), list):
        raise SpottingEvalError(f'{path}: expected a "{key}" list')
    return data[key]


def evaluate_folder(labels_root: str, pred_root: str, label_file: str, classes,
                    framerate: float, metric: str,
                    prediction_file: str = 'results_spotting.json') -> dict:
    if metric not in DELTAS:
        raise SpottingEvalError(f'unknown metric {metric!r}; use one of {sorted(DELTAS)}')
    targets, detections = [], []
    for game in find_games(labels_root, label_file):
        labels = _load_json(os.path.join(labels_root, game, label_file), 'annotations')
        preds = _load_json(os.path.join(pred_root, game, prediction_file), 'predictions')
        targets.extend(labels_to_vectors(labels, classes, framerate))
        detections.extend(predictions_to_vectors(preds, classes, framerate))
    return average_map(targets, detections, framerate, DELTAS[metric])


def default_classes(label_file: str):
    return V2_CLASSES if 'v2' in label_file.lower() else BALL_2023_CLASSES


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
