"""Ball-tracking label and prediction files: readers with validation.

Label files become ``(N, 3)`` float64 rows ``(code, x, y)`` in full-resolution
pixels, one row per frame in frame order (code 0 no ball with x = y = -1; 1
visible; 2 hard to see; 3 occluded). Columns are checked by name before they
are read by position; every error names the file and the line. Which file a
layout uses is :mod:`.ball_tracking`'s business. Stdlib + numpy only.
"""
import csv
import math
import os
import re
from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np

from .errors import BallDataError

CODES = (0, 1, 2, 3)
FRAME_RE = re.compile(r'^(\d+)\.jpg$', re.I)


def _read_rows(path: str) -> List[List[str]]:
    if path is None or not os.path.isfile(path):
        raise BallDataError(f'{path}: labels file is missing')
    try:
        with open(path, newline='', encoding='utf-8-sig') as f:
            rows = [r for r in csv.reader(f) if any(c.strip() for c in r)]
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise BallDataError(f'{path}: cannot be read as CSV ({e})') from e
    if len(rows) < 2:
        raise BallDataError(f'{path}: expected a header row and one row per frame, '
                            f'found {len(rows)} row(s)')
    return rows


def _check_header(path: str, header: List[str], spec: Sequence[Tuple[str, Callable]],
                  expected: str) -> None:
    """Each named column must pass its test (lower-cased, spaces and '_' removed)."""
    cells = [re.sub(r'[\s_\-]', '', c.lower()) for c in header]
    if len(cells) < len(spec):
        raise BallDataError(f'{path}:1: header {",".join(header)!r} has {len(cells)} columns; '
                            f'expected "{expected}"')
    for i, (name, test) in enumerate(spec):
        if not test(cells[i]):
            raise BallDataError(f'{path}:1: column {i + 1} is {header[i].strip()!r}, expected '
                                f'{name} (header "{expected}")')


def _number(path: str, line: int, what: str, text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise BallDataError(f'{path}:{line}: {what} {text!r} is not a number') from None
    if not math.isfinite(v):
        raise BallDataError(f'{path}:{line}: {what} {text!r} is not finite')
    return v


def _code(path: str, line: int, text: str, allowed=CODES) -> int:
    try:
        code = int(float(text))
        if code != float(text):
            raise ValueError
    except ValueError:
        raise BallDataError(f'{path}:{line}: code {text!r} is not an integer') from None
    if code not in allowed:
        raise BallDataError(f'{path}:{line}: code {code} is not one of '
                            f'{", ".join(map(str, allowed))}')
    return code


def _frame_index(path: str, line: int, text: str, expect: int) -> None:
    """The frame column must count 0, 1, 2, ... (a duplicate or a gap names the line)."""
    try:
        i = int(float(text))
    except ValueError:
        raise BallDataError(f'{path}:{line}: frame {text!r} is not an integer') from None
    if i != expect:
        kind = 'duplicate' if i < expect else 'missing'
        raise BallDataError(f'{path}:{line}: frame {i} where frame {expect} was expected '
                            f'({kind} frame rows)')


_HAS = lambda *words: (lambda c: any(w in c for w in words))  # noqa: E731
_IS = lambda *words: (lambda c: c in words)  # noqa: E731

# (column name, test of the normalised header cell)
_GAME_HEADER = [('a file name', _HAS('file', 'name', 'frame')),
                ('a code / visibility', _HAS('code', 'vis')),
                ('x', _HAS('x')), ('y', _HAS('y'))]
_FRAME_HEADER = [('Frame', _HAS('frame')), ('Visibility', _HAS('vis', 'ball', 'code')),
                 ('X', _IS('x')), ('Y', _IS('y'))]


def read_game_labels(path: str) -> np.ndarray:
    """``labels.csv`` (seed) or ``Label.csv`` (TrackNet): file name, code, x, y, ...

    Coordinates are pixels; x, y may be empty (or anything) where the code is 0.
    The file name of row i must be frame i (``0000.jpg`` ...) when it is a number.

    Returns:
        np.ndarray: (N, 3) float64 ``(code, x, y)``.
    """
    rows = _read_rows(path)
    _check_header(path, rows[0], _GAME_HEADER,
                  'file name, code/visibility, x, y[, status]')
    out = np.full((len(rows) - 1, 3), -1.0)
    for i, row in enumerate(rows[1:]):
        line = i + 2
        if len(row) < 2:
            raise BallDataError(f'{path}:{line}: expected "file name, code, x, y", got {row!r}')
        m = FRAME_RE.match(row[0].strip())
        if m and int(m.group(1)) != i:
            raise BallDataError(f'{path}:{line}: file name {row[0].strip()!r} where frame '
                                f'{i:04d}.jpg was expected (rows must list every frame in order)')
        code = _code(path, line, row[1].strip())
        out[i, 0] = code
        if code == 0:
            continue
        if len(row) < 4 or not row[2].strip() or not row[3].strip():
            raise BallDataError(f'{path}:{line}: code {code} needs numeric x, y; got {row[2:4]!r}')
        out[i, 1] = _number(path, line, 'x', row[2].strip())
        out[i, 2] = _number(path, line, 'y', row[3].strip())
    return out


def read_frame_labels(path: str, full_size: Optional[Tuple[int, int]] = None,
                      normalised: bool = False) -> np.ndarray:
    """``Frame,Visibility,X,Y`` (pixels) or ``Frame,Ball,x,y`` (normalised) per frame.

    Args:
        path: the CSV.
        full_size: (W, H) of the video: needed for normalised coordinates,
            and used to check pixel ones lie in the frame.
        normalised: x, y are fractions of the width and height (the
            ``video_csv`` layout); they are scaled to pixels.

    Returns:
        np.ndarray: (N, 3) float64 ``(code, x, y)`` in pixels.
    """
    if normalised and full_size is None:
        raise ValueError('normalised coordinates need the video size')
    rows = _read_rows(path)
    _check_header(path, rows[0], _FRAME_HEADER,
                  'Frame,Ball,x,y' if normalised else 'Frame,Visibility,X,Y')
    out = np.full((len(rows) - 1, 3), -1.0)
    for i, row in enumerate(rows[1:]):
        line = i + 2
        if len(row) < 4:
            raise BallDataError(f'{path}:{line}: expected 4 columns (frame, visibility, x, y), '
                                f'got {row!r}')
        _frame_index(path, line, row[0].strip(), i)
        code = _code(path, line, row[1].strip())
        out[i, 0] = code
        if code == 0:
            continue
        x = _number(path, line, 'x', row[2].strip())
        y = _number(path, line, 'y', row[3].strip())
        if normalised:
            if not (0 <= x <= 1 and 0 <= y <= 1):
                raise BallDataError(f'{path}:{line}: visible ball at normalised ({x}, {y}), '
                                    'outside [0, 1]')
            x, y = x * full_size[0], y * full_size[1]
        elif full_size is not None and not (-1 <= x <= full_size[0] and -1 <= y <= full_size[1]):
            raise BallDataError(f'{path}:{line}: visible ball at ({x}, {y}) px, outside the '
                                f'{full_size[0]}x{full_size[1]} frame')
        out[i, 1:] = x, y
    return out


# ---------------------------------------------------------------- predictions
PREDICTION_HEADER = ('frame', 'code', 'x', 'y')


def read_prediction_csv(path: str, n_frames: int,
                        frame_size: Optional[Tuple[int, int]] = None) -> np.ndarray:
    """A prediction file ``frame,code,x,y`` (what inference writes) -> (n_frames, 3).

    Every frame must appear exactly once; x, y are full-resolution pixels and
    may be empty where the code is 0. With ``frame_size`` (W, H), a visible
    position outside the frame (beyond one pixel of its edge) is an error naming
    the line: it is a wrong file or a wrong scale, not a far detection.
    """
    if not os.path.isfile(path):
        raise BallDataError(f'{path}: prediction file is missing')
    try:
        with open(path, newline='') as f:
            rows = list(csv.reader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise BallDataError(f'{path}: cannot be read as CSV ({e})') from e
    if not rows or tuple(c.strip().lower() for c in rows[0][:4]) != PREDICTION_HEADER:
        raise BallDataError(f'{path}:1: expected the header "frame,code,x,y"')
    out = np.zeros((n_frames, 3))
    out[:, 1:] = -1
    seen = np.zeros(n_frames, bool)
    for line, row in enumerate(rows[1:], start=2):
        if len(row) < 2:
            raise BallDataError(f'{path}:{line}: malformed row {row!r}')
        try:
            i = int(row[0])
        except ValueError:
            raise BallDataError(f'{path}:{line}: frame {row[0]!r} is not an integer') from None
        code = _code(path, line, row[1].strip())
        if not 0 <= i < n_frames:
            raise BallDataError(f'{path}:{line}: frame {i} outside 0..{n_frames - 1}')
        if seen[i]:
            raise BallDataError(f'{path}:{line}: frame {i} predicted twice')
        x = y = -1.0
        if code:
            try:
                x, y = float(row[2]), float(row[3])
            except (ValueError, IndexError):
                raise BallDataError(f'{path}:{line}: malformed row {row!r} (code {code} '
                                    'needs numeric x, y)') from None
            if not (math.isfinite(x) and math.isfinite(y)):
                raise BallDataError(f'{path}:{line}: x, y ({row[2]}, {row[3]}) not finite')
            if frame_size is not None and not (-1 <= x <= frame_size[0]
                                               and -1 <= y <= frame_size[1]):
                raise BallDataError(f'{path}:{line}: visible position ({row[2]}, {row[3]}) '
                                    f'outside the {frame_size[0]}x{frame_size[1]} frame')
        out[i] = (code, x, y)
        seen[i] = True
    if not seen.all():
        raise BallDataError(f'{path}: frame-count mismatch: {int(seen.sum())} of '
                            f'{n_frames} frames predicted (first missing: '
                            f'{int(np.flatnonzero(~seen)[0])})')
    return out


def prediction_rows(track: np.ndarray):
    """Rows of a prediction file for a (N, 3) ``(code, x, y)`` track (header first)."""
    yield list(PREDICTION_HEADER)
    for i, (code, x, y) in enumerate(np.asarray(track, dtype=np.float64)):
        yield [i, 0, '', ''] if code == 0 else [i, int(code), f'{x:.1f}', f'{y:.1f}']
