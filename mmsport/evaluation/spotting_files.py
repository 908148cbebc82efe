"""Score folders of SoccerNet ``results_spotting.json`` files against label files.

Every game folder under a labels root holding the label file is evaluated against
``<pred_root>/<game>/results_spotting.json`` with the metric math of
:mod:`.functional.spotting` (the values of the reference
``SoccerNet.Evaluation.ActionSpotting``). Torch-free; used by
``tools/evaluate_spotting.py`` and :mod:`mmsport.apis.postprocess.respot`.

Every file is read once into columns and validated
(:func:`mmsport.fileio.soccernet_entries.spotting_columns`): malformed entries are errors naming
the file and the entry; what the reference ignores (unknown labels, halves other than 1
and 2, ...) keeps its value but is warned about
(:class:`~mmsport.fileio.soccernet.SoccerNetDataWarning`, naming the file and the count),
or is an error with ``strict=True``. The columns are turned into the same
:class:`~.functional.spotting.Events` as ``labels_to_events`` / ``predictions_to_events``
(same operations), so on valid input the values are unchanged.
"""
import os
from typing import Optional, Sequence

import numpy as np

from mmsport.fileio.soccernet import SoccerNetDataError, load_json
from mmsport.fileio.soccernet_entries import spotting_columns

from .functional.spotting import (BALL_2023_CLASSES, DELTAS, V2_CLASSES, Events,
                                  average_map_events, concat_events)


class SpottingEvalError(SoccerNetDataError):
    """Bad evaluation input; the message names the file (and the entry)."""


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
    try:
        data = load_json(path)
    except SoccerNetDataError as e:
        raise SpottingEvalError(str(e)) from e
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise SpottingEvalError(f'{path}: expected an object with a "{key}" list')
    return data[key]


def read_events(path: str, key: str, classes, framerate: float, first_half: int = 0,
                strict: bool = False) -> Events:
    """One file's :class:`Events` (what ``labels_to_events`` / ``predictions_to_events``
    give for its list), read once and checked by
    :func:`~mmsport.fileio.soccernet_entries.spotting_columns` (errors re-raised as
    :class:`SpottingEvalError`; lenient cases warned about unless ``strict``).

    Rows of halves 1 and 2 with a known class are kept, in file order, halves becoming
    ``first_half`` and ``first_half + 1`` (as the reference ignores the others)."""
    entries = read_json_list(path, key)
    try:
        cols = spotting_columns(path, entries, key, classes, framerate, strict=strict)
    except SoccerNetDataError as e:
        raise SpottingEvalError(str(e)) from e
    keep = (cols.label >= 0) & ((cols.half == 1) | (cols.half == 2))
    return Events(cols.half[keep] + first_half - 1, cols.label[keep], cols.frame[keep],
                  cols.value[keep].astype(np.float64))


def evaluate_folder(labels_root: str, pred_root: str, label_file: str, classes,
                    framerate: float, metric: str,
                    prediction_file: str = 'results_spotting.json',
                    games: Optional[Sequence[str]] = None, strict: bool = False) -> dict:
    """Average-mAP (``a_mAP``, ``a_mAP_per_class``, ...) of the games under ``labels_root``
    (or only ``games``) at the tolerances of ``metric`` (a key of ``DELTAS``).

    ``strict``: unknown labels, halves other than 1 and 2, unknown visibilities and
    positions past the 120-minute half are errors instead of warnings (the reference
    ignores or clips them)."""
    if metric not in DELTAS:
        raise SpottingEvalError(f'unknown metric {metric!r}; use one of {sorted(DELTAS)}')
    targets, detections = [], []
    for i, game in enumerate(find_games(labels_root, label_file) if games is None else games):
        targets.append(read_events(os.path.join(labels_root, game, label_file), 'annotations',
                                   classes, framerate, 2 * i, strict))
        detections.append(read_events(os.path.join(pred_root, game, prediction_file),
                                      'predictions', classes, framerate, 2 * i, strict))
    return average_map_events(concat_events(targets), concat_events(detections), len(classes),
                              framerate, DELTAS[metric])


def default_classes(label_file: str):
    """The class names implied by a label file's name (v2 or ball actions 2023)."""
    return V2_CLASSES if 'v2' in label_file.lower() else BALL_2023_CLASSES
