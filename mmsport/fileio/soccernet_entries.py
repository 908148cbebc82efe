"""The SoccerNet evaluator's input, checked: ``annotations`` / ``predictions`` lists.

Lenient like the reference evaluator where it is lenient (its values are kept, with a
warning naming the file and the count), strict where it would turn a malformed entry
into a silently wrong number; :func:`spotting_columns` is what
``tools/evaluate_spotting.py`` reads through. Pure Python + numpy (imported when used).
"""
import itertools
from collections import Counter
from typing import TYPE_CHECKING, Dict, NamedTuple, Optional, Sequence

from .soccernet import (_GAME_TIME_RE, _MAX_NAMED, HALF_VECTOR_SECONDS, VISIBILITIES,
                        SoccerNetDataError, _describe_unknown, _warn)
from .soccernet_predictions import _confidence

if TYPE_CHECKING:
    import numpy as np


def _int_value(v) -> Optional[int]:
    """``int(v)`` of a JSON integer, integral float or integer string, else None."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return int(v) if v.is_integer() else None
    if isinstance(v, str):  # what int() accepts, as the reference reads it
        try:
            return int(v)
        except ValueError:
            return None
    return None


def _check_entry(path: str, what: str, i: int, e) -> None:
    """Raise :class:`SoccerNetDataError` for a malformed evaluator entry (the slow path
    that names the first bad entry; see :func:`check_spotting_entries`)."""
    if type(e) is not dict:
        raise SoccerNetDataError(f'{path}: {what} {i} is not an object: {e!r}')
    label = e.get('label')
    if type(label) is not str:
        raise SoccerNetDataError(f'{path}: {what} {i}: ' + (
            'no "label"' if label is None else f'label {label!r} is not a string'))
    if what == 'prediction':
        if 'half' not in e:
            raise SoccerNetDataError(f'{path}: {what} {i}: no "half"')
        if _int_value(e['half']) is None:
            raise SoccerNetDataError(f'{path}: {what} {i}: half {e["half"]!r} is not an '
                                     'integer')
        if 'position' not in e:
            raise SoccerNetDataError(f'{path}: {what} {i}: no "position"')
        if 'confidence' not in e:
            raise SoccerNetDataError(f'{path}: {what} {i}: no "confidence"')
        _confidence(path, i, e['confidence'])
    else:
        gt = e.get('gameTime')
        if type(gt) is not str or not _GAME_TIME_RE.match(gt) or not gt[0].isdigit():
            raise SoccerNetDataError(f'{path}: {what} {i}: gameTime {gt!r} is not like '
                                     '"1 - 00:31"')
    if 'position' in e:
        pos = _int_value(e['position'])
        if pos is None or pos < 0:
            raise SoccerNetDataError(f'{path}: {what} {i}: position {e["position"]!r} is '
                                     'not a non-negative integer (milliseconds)')


class _Malformed(Exception):
    """The fast path met something it does not accept: find and name it slowly."""


def _ints(values, non_negative: bool = True) -> 'np.ndarray':
    """(N,) int64 of ints / integer strings (as ``int()`` reads them) / integral floats
    (all >= 0 if ``non_negative``); else _Malformed."""
    import numpy as np
    if set(map(type, values)) <= {int, str}:
        try:
            out = np.fromiter(map(int, values), np.int64, len(values))
        except (ValueError, OverflowError):
            raise _Malformed from None
    else:
        conv = [_int_value(v) for v in values]
        if None in conv:
            raise _Malformed
        out = np.array(conv, np.int64).reshape(len(conv))
    if non_negative and len(out) and out.min() < 0:
        raise _Malformed
    return out


def _fast_columns(entries, is_pred: bool, framerate: float):
    """(labels, half, frame, value, visibility) of well-formed entries, vectorised; any
    entry the slow path would reject raises :class:`_Malformed`.

    ``value`` is the confidence (predictions) or +1 / -1 (annotations: -1 when
    ``visibility`` is ``"not shown"``); the frames, halves and values follow the
    reference's operations exactly (see
    :func:`mmsport.evaluation.functional.spotting.labels_to_events`)."""
    import numpy as np
    if entries and set(map(type, entries)) != {dict}:
        raise _Malformed
    try:
        labels = [e['label'] for e in entries]
        if is_pred:
            half = _ints([e['half'] for e in entries], non_negative=False)
            pos = [e['position'] for e in entries]
            conf = [e['confidence'] for e in entries]
        else:
            gts = [e['gameTime'] for e in entries]
    except KeyError:
        raise _Malformed from None
    if labels and set(map(type, labels)) != {str}:
        raise _Malformed
    n = len(entries)
    if is_pred:
        if not set(map(type, conf)) <= {int, float, str}:
            raise _Malformed
        try:
            c = np.fromiter(map(float, conf), np.float64, n)
        except ValueError:
            raise _Malformed from None
        if n and not (np.isfinite(c).all() and c.min() >= 0 and c.max() <= 1):
            raise _Malformed
        frame = (framerate * (_ints(pos) / 1000)).astype(np.int64)
        vis, value = None, c
    else:
        if not all(type(g) is str and g[:1].isdigit() for g in gts) or \
                not all(map(_GAME_TIME_RE.match, gts)):
            raise _Malformed
        half = np.fromiter((int(g[0]) for g in gts), np.int64, n)
        if all('position' in e for e in entries):
            frame = (framerate * (_ints([e['position'] for e in entries]) / 1000)).astype(
                np.int64)
        else:
            frame = np.zeros(n, np.int64)
            for i, (e, g) in enumerate(zip(entries, gts)):
                if 'position' in e:
                    p = _int_value(e['position'])
                    if p is None or p < 0:
                        raise _Malformed
                    frame[i] = int(framerate * (p / 1000))
                else:  # the reference falls back on gameTime (seconds)
                    frame[i] = int(framerate * (int(g[-2:]) + 60 * int(g[-5:-3])))
        vis = [e.get('visibility', 'visible') for e in entries]
        value = np.where(np.fromiter((v != 'not shown' for v in vis), bool, n), 1.0, -1.0)
    return labels, half, frame, value, vis


class SpottingColumns(NamedTuple):
    """The evaluator's view of a checked ``annotations`` / ``predictions`` list, one
    (N,) array per field in file order: ``half`` (as written), ``label`` (class index,
    -1 if not a class), ``frame`` (the reference's ``int(framerate * (ms / 1000))``),
    ``value`` (confidence, or +1 / -1 for visible / not shown labels), and the
    ``counts`` of :func:`check_spotting_entries`."""
    half: 'np.ndarray'
    label: 'np.ndarray'
    frame: 'np.ndarray'
    value: 'np.ndarray'
    counts: Dict[str, int]


def check_spotting_entries(path: str, entries: Sequence, kind: str, classes: Sequence[str],
                           framerate: float, strict: bool = False) -> Dict[str, int]:
    """:func:`spotting_columns` without the columns: validate, warn, return the counts."""
    return spotting_columns(path, entries, kind, classes, framerate, strict).counts


def spotting_columns(path: str, entries: Sequence, kind: str, classes: Sequence[str],
                     framerate: float, strict: bool = False) -> SpottingColumns:
    """Validate the ``annotations`` / ``predictions`` list the SoccerNet evaluator reads.

    Errors (always; :class:`SoccerNetDataError` naming the file and the entry index):
    an entry that is not an object; a missing or non-string ``label``; annotations: a
    ``gameTime`` not like ``"1 - 00:31"``; predictions: a missing ``half``, ``position``
    or ``confidence``, a ``half`` that is not an integer, a ``confidence`` that is not a
    finite number in [0, 1]; both: a ``position`` that is not a non-negative integer
    (milliseconds; the reference would wrap a negative one to the end of the half).

    Lenient like the reference (its values are kept), but warned about with the file and
    the count (:class:`SoccerNetDataWarning`), or errors with ``strict=True``: labels not
    in ``classes`` (those differing only in case pointed out), halves other than 1 and 2,
    a ``visibility`` other than ``visible`` / ``not shown`` (read as visible), positions
    past the reference's 120-minute half (clipped to its last frame). Always a warning
    only: the same (half, frame, label) cell given twice (the last one counts).

    Vectorised (a few list passes and numpy); the first malformed entry is then found
    by a per-entry pass that names it.

    Args:
        path: the file, named in messages.
        entries: its ``annotations`` (``kind='annotations'``) or ``predictions`` list.
        classes: the evaluated class names.
        framerate: the evaluation frame rate (for duplicates and the half's end).
        strict: raise instead of warning about what the reference ignores.

    Returns:
        :class:`SpottingColumns`; its ``counts``: ``unknown_label``, ``extra_half``,
        ``visibility``, ``past_end``, ``duplicate`` (entries concerned).
    """
    import numpy as np
    if kind not in ('annotations', 'predictions'):
        raise ValueError(f'kind must be annotations or predictions, got {kind!r}')
    is_pred = kind == 'predictions'
    what = 'prediction' if is_pred else 'annotation'
    try:
        labels, half, frame, value, vis = _fast_columns(entries, is_pred, framerate)
    except _Malformed:
        for i, e in enumerate(entries):
            _check_entry(path, what, i, e)
        raise SoccerNetDataError(f'{path}: malformed {kind} (a number out of range?)')
    n = len(entries)
    index = {c: i for i, c in enumerate(classes)}
    cls = np.fromiter(map(index.get, labels, itertools.repeat(-1)), np.int64, n)
    size = int(HALF_VECTOR_SECONDS * framerate)
    known = cls >= 0
    in_half = (half == 1) | (half == 2)
    kept = known & in_half
    problems = dict(unknown_label=~known, extra_half=known & ~in_half,
                    past_end=kept & (frame >= size))
    if vis is not None:
        problems['visibility'] = np.fromiter((v not in VISIBILITIES for v in vis), bool, n)
    counts = {k: int(v.sum()) for k, v in problems.items()}
    counts.setdefault('visibility', 0)
    keys = (half[kept] * len(classes) + cls[kept]) * size + np.minimum(frame[kept], size - 1)
    keys.sort()
    counts['duplicate'] = int(np.count_nonzero(keys[1:] == keys[:-1]))
    messages = {}
    if counts['unknown_label']:
        unknown = Counter(v for v, k in zip(labels, known.tolist()) if not k)
        messages['unknown_label'] = (f'{counts["unknown_label"]} of {n} {kind} ignored: '
                                     f'label(s) not in the classes: '
                                     f'{_describe_unknown(unknown, classes)}')
    if counts['extra_half']:
        halves = sorted(set(half[problems['extra_half']].tolist()))
        messages['extra_half'] = (f'{counts["extra_half"]} of {n} {kind} ignored: in '
                                  f'half {", ".join(map(str, halves))} (only 1 and 2 count)')
    if counts['visibility']:
        odd = sorted({repr(v) for v, k in zip(vis, problems['visibility'].tolist()) if k})
        messages['visibility'] = (f'{counts["visibility"]} of {n} {kind} with a visibility '
                                  f'other than {" / ".join(VISIBILITIES)} '
                                  f'({", ".join(odd[:_MAX_NAMED])}), read as visible')
    if counts['past_end']:
        messages['past_end'] = (f'{counts["past_end"]} of {n} {kind} past the evaluator\'s '
                                f'{HALF_VECTOR_SECONDS // 60}-minute half, moved to its last '
                                'frame')
    for key, msg in messages.items():
        if strict:
            first = int(np.flatnonzero(problems[key])[0])
            raise SoccerNetDataError(f'{path}: {msg} (first: {what} {first}; strict mode)')
        _warn(f'{path}: {msg}, as the SoccerNet evaluator does (--strict makes this an error)')
    if counts['duplicate']:
        _warn(f'{path}: {counts["duplicate"]} of {n} {kind} repeat the (half, frame, label) '
              'of an earlier one; the last one counts, as in the SoccerNet evaluator')
    return SpottingColumns(half, cls, frame, value, counts)
