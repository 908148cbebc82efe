"""SoccerNet spotting predictions: ``results_spotting.json`` written atomically and read back.

``{"UrlLocal": <game>, "predictions": [{"gameTime": "1 - 00:31", "label": "PASS",
"position": "31480", "half": "1", "confidence": "0.93"}, ...]}``; positions in milliseconds
from the start of the half, as in the labels (:mod:`.soccernet`). Every error names the file
and the prediction's index (:class:`~.soccernet.SoccerNetDataError`). Pure Python.
"""
import json
import math
import os
import tempfile
from collections import Counter
from typing import List, Optional, Sequence

from .soccernet import (SoccerNetDataError, _describe_unknown, frame_to_position_ms,
                        game_time, position_to_frame, read_entries)


def _format_confidence(c) -> str:
    return f'{float(c):.6f}'.rstrip('0').rstrip('.')


def write_predictions_json(path: str, game: str, predictions: Sequence[dict],
                           fps: float = 25.0) -> None:
    """Write ``results_spotting.json`` atomically (temp file + ``os.replace``).

    Args:
        path: output file; parent folders are created.
        game: the game's relative path, written as ``UrlLocal``.
        predictions: dicts with ``half``, ``label``, ``confidence`` and either
            ``position_ms`` or ``frame`` (converted with
            :func:`frame_to_position_ms`). Order is kept (on a tie in frame and
            class, the evaluation keeps the last one).
        fps: frame rate of ``frame``.
    """
    rows = []
    for i, p in enumerate(predictions):
        try:
            half = int(p['half'])
            pos = int(p['position_ms']) if 'position_ms' in p else \
                frame_to_position_ms(p['frame'], fps)
            conf = _format_confidence(p['confidence'])
            label = str(p['label'])
        except (KeyError, TypeError, ValueError) as e:
            raise SoccerNetDataError(f'{path}: prediction {i} is invalid ({e!r}): {p!r}')
        rows.append({'gameTime': game_time(half, pos), 'label': label,
                     'position': str(pos), 'half': str(half), 'confidence': conf})
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=os.path.basename(path) + '.',
                               suffix='.tmp')
    try:
        with os.fdopen(fd, 'w', encoding='utf-8') as f:
            json.dump({'UrlLocal': game, 'predictions': rows}, f, indent=1)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _confidence(path: str, i: int, value) -> float:
    """A prediction's confidence: a number (or numeric string), finite, in [0, 1]."""
    try:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise TypeError
        conf = float(value)
    except (TypeError, ValueError):
        raise SoccerNetDataError(f'{path}: prediction {i}: confidence {value!r} is not a '
                                 'number') from None
    if not math.isfinite(conf):
        raise SoccerNetDataError(f'{path}: prediction {i}: confidence {value!r} is not finite')
    if not 0.0 <= conf <= 1.0:
        raise SoccerNetDataError(f'{path}: prediction {i}: confidence {value!r} is outside '
                                 '[0, 1]')
    return conf


def read_predictions_json(path: str, fps: float = 25.0,
                          classes: Optional[Sequence[str]] = None) -> List[dict]:
    """Read a predictions file back: dicts ``{half, frame, position_ms, label, confidence}``.

    ``classes``, when given, rejects labels outside it. Confidences must be finite
    numbers in [0, 1]; every error names the file and the prediction's index.
    """
    out = []
    for i, p, half, pos, label in read_entries(path, 'predictions', 'prediction'):
        if classes is not None and label not in classes:
            raise SoccerNetDataError(
                f'{path}: prediction {i}: unknown label '
                f'{_describe_unknown(Counter([label]), classes)}; known classes: '
                f'{list(classes)}')
        out.append(dict(half=half, frame=position_to_frame(pos, fps), position_ms=pos,
                        label=label, confidence=_confidence(path, i, p.get('confidence'))))
    return out
