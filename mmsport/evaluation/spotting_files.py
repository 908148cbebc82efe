"""Score folders of SoccerNet ``results_spotting.json`` files against label files.

Every game folder under a labels root holding the label file is evaluated against
``<pred_root>/<game>/results_spotting.json`` with the metric math of
:mod:`.functional.spotting` (the values of the reference
``SoccerNet.Evaluation.ActionSpotting``). Torch-free; used by
``tools/evaluate_spotting.py`` and :mod:`mmsport.apis.postprocess.respot`.
"""
import json
import os
from typing import Optional, Sequence

from .functional.spotting import (BALL_2023_CLASSES, DELTAS, V2_CLASSES, average_map_events,
                                  concat_events, labels_to_events, predictions_to_events)


class SpottingEvalError(ValueError):
    """Bad evaluation input; the message names the file."""


def find_games(labels_root: str, label_file: str):
    """Sorted game folders (relative to ``labels_root``) that hold ``label_file``."""
    games = []
    for root, _, files in os.walk(labels_root):
        if label_file in files:
            games.append(os.path.relpath(root, labels_root))
    if not games:
        raise SpottingEvalError(f'{labels_root}: no game folder holds {label_file}')
    return sorted(games)


def read_json_list(path: str, key: str):
    """The list under ``key`` of a JSON file (``annotations`` / ``predictions``)."""
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
                    prediction_file: str = 'results_spotting.json',
                    games: Optional[Sequence[str]] = None) -> dict:
    """Average-mAP (``a_mAP``, ``a_mAP_per_class``, ...) of the games under ``labels_root``
    (or only ``games``) at the tolerances of ``metric`` (a key of ``DELTAS``)."""
    if metric not in DELTAS:
        raise SpottingEvalError(f'unknown metric {metric!r}; use one of {sorted(DELTAS)}')
    targets, detections = [], []
    for i, game in enumerate(find_games(labels_root, label_file) if games is None else games):
        labels = read_json_list(os.path.join(labels_root, game, label_file), 'annotations')
        preds = read_json_list(os.path.join(pred_root, game, prediction_file), 'predictions')
        targets.append(labels_to_events(labels, classes, framerate, first_half=2 * i))
        detections.append(predictions_to_events(preds, classes, framerate, first_half=2 * i))
    return average_map_events(concat_events(targets), concat_events(detections), len(classes),
                              framerate, DELTAS[metric])


def default_classes(label_file: str):
    """The class names implied by a label file's name (v2 or ball actions 2023)."""
    return V2_CLASSES if 'v2' in label_file.lower() else BALL_2023_CLASSES
