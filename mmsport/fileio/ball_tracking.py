"""Ball-tracking datasets as users download them: layouts, label files, predictions.

Four layouts are read (``docs/formats.md``, "Ball tracking"); names are matched
case-insensitively:

* ``seed``: ``<root>/game<G>/clip<C>/{0000.jpg, ..., labels.csv}``, columns
  ``file name, code, x, y, q`` in pixels (the project's own synthetic sets);
* ``tracknet``: the TrackNet tennis dataset,
  ``<root>/game<G>/Clip<C>/{0000.jpg, ..., Label.csv}``, columns
  ``file name, visibility, x-coordinate, y-coordinate, status`` in pixels
  (copies in the wild reword the header, e.g. ``File Name,Visibility Class,X,Y,...``);
* ``shuttlecock``: the Shuttlecock Trajectory Dataset (TrackNetV2/V3),
  ``<root>/match<M>/video/<rally>.mp4`` + ``<root>/match<M>/csv/<rally>_ball.csv``,
  columns ``Frame,Visibility,X,Y`` in pixels;
* ``video_csv``: ``<root>/<stem>.mp4`` + ``<root>/<stem>.csv``, columns
  ``Frame,Ball,x,y`` with x, y normalised to [0, 1] (-1 when not visible).

Every reader returns ``(N, 3)`` float64 rows ``(code, x, y)`` in full-resolution
pixels (code 0 no ball with x = y = -1; 1 visible; 2 hard to see; 3 occluded),
one row per frame in frame order. Columns are checked by name before they are
read by position; every error names the file and, where there is one, the line.

Pure stdlib + numpy: importing this module imports neither torch nor OpenMMLab.
"""
import csv
import math
import os
import re
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np

from .errors import BallDataError
from .media import VIDEO_EXTS

LAYOUTS = ('seed', 'tracknet', 'shuttlecock', 'video_csv')
CODES = (0, 1, 2, 3)

_GAME_RE = re.compile(r'^game(\d+)$', re.I)
_CLIP_RE = re.compile(r'^clip(\d+)$', re.I)
_MATCH_RE = re.compile(r'^match(\d+)$', re.I)
FRAME_RE = re.compile(r'^(\d+)\.jpg$', re.I)


@dataclass(frozen=True)
class BallClip:
    """One labelled (or unlabelled) sequence of a ball-tracking layout.

    Attributes:
        key: its name relative to the root, e.g. ``game1/clip3``,
            ``match2/1_05_02`` or ``00001``; predictions go to ``<out>/<key>.csv``.
        media: a folder of ``0000.jpg ...`` frames, or a video file.
        labels: the label file, or None where the layout has none for it.
        layout: one of :data:`LAYOUTS` (or ``'videos'`` for unlabelled videos).
    """
    key: str
    media: str
    labels: Optional[str]
    layout: str

    @property
    def is_video(self) -> bool:
        return not os.path.isdir(self.media)


def natural_key(name: str):
    """Sort key that orders ``clip2`` before ``clip10``."""
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r'(\d+)', name)]


def _listdir(path: str) -> List[str]:
    return sorted(os.listdir(path), key=natural_key)


def _find(folder: str, name: str) -> Optional[str]:
    """Path of ``name`` in ``folder`` matched case-insensitively, or None."""
    for n in os.listdir(folder):
        if n.lower() == name.lower():
            return os.path.join(folder, n)
    return None


def _is_video(name: str) -> bool:
    return name.lower().endswith(VIDEO_EXTS)


def detect_layout(root: str) -> str:
    """Name the layout of a root folder (one of :data:`LAYOUTS`, or ``'videos'``).

    Raises:
        BallDataError: the folder holds none of them (the message lists what
        was looked for).
    """
    if not os.path.isdir(root):
        raise BallDataError(f'{root}: not a directory')
    names = _listdir(root)
    for g in names:
        gdir = os.path.join(root, g)
        if not (_GAME_RE.match(g) and os.path.isdir(gdir)):
            continue
        for c in _listdir(gdir):
            cdir = os.path.join(gdir, c)
            if _CLIP_RE.match(c) and os.path.isdir(cdir):
                if _find(cdir, 'labels.csv'):
                    return 'seed'
                if _find(cdir, 'label.csv'):
                    return 'tracknet'
                return 'seed'  # frames without labels: inference only
    for m in names:
        mdir = os.path.join(root, m)
        if _MATCH_RE.match(m) and os.path.isdir(mdir) and _find(mdir, 'video'):
            return 'shuttlecock'
    videos = [n for n in names if _is_video(n)]
    if videos:
        stems = {os.path.splitext(n)[0].lower() for n in names if n.lower().endswith('.csv')}
        paired = any(os.path.splitext(v)[0].lower() in stems for v in videos)
        return 'video_csv' if paired else 'videos'
    raise BallDataError(
        f'{root}: no ball-tracking layout found: expected game<G>/clip<C>/ folders '
        '(labels.csv or Label.csv), match<M>/video/*.mp4 + match<M>/csv/*_ball.csv, '
        'or <stem>.mp4 (+ <stem>.csv) files')


def list_ball_clips(root: str, layout: str = 'auto',
                    keys: Optional[Sequence[str]] = None,
                    games: Optional[Sequence[int]] = None) -> Tuple[str, List[BallClip]]:
    """List the clips of a root in natural order.

    Args:
        root: the dataset (split) folder.
        layout: one of :data:`LAYOUTS`, ``'videos'``, or ``'auto'`` to detect it.
        keys: keep only these clip keys (e.g. a fixed train/val split); a key
            that is not found is an error.
        games: keep only these game numbers (game layouts only).

    Returns:
        ``(layout, clips)``.
    """
    if layout == 'auto':
        layout = detect_layout(root)
    elif layout not in LAYOUTS + ('videos', ):
        raise BallDataError(f'unknown ball-tracking layout {layout!r}; '
                            f'expected one of {LAYOUTS + ("videos", "auto")}')
    if not os.path.isdir(root):
        raise BallDataError(f'{root}: not a directory')
    if layout in ('seed', 'tracknet'):
        clips = _list_game_clips(root, layout, games)
    elif layout == 'shuttlecock':
        clips = _list_shuttlecock(root)
    else:
        clips = _list_videos(root, layout)
    if keys is not None:
        by_key = {c.key.lower(): c for c in clips}
        missing = [k for k in keys if k.lower() not in by_key]
        if missing:
            raise BallDataError(f'{root}: clip(s) {missing} not found in the {layout} layout '
                                f'(found {len(clips)} clips, e.g. '
                                f'{[c.key for c in clips[:3]]})')
        clips = [by_key[k.lower()] for k in keys]
    return layout, clips


def _list_game_clips(root: str, layout: str, games) -> List[BallClip]:
    keep = None if games is None else {int(g) for g in games}
    label_name = 'labels.csv' if layout == 'seed' else 'label.csv'
    out = []
    for g in _listdir(root):
        m = _GAME_RE.match(g)
        gdir = os.path.join(root, g)
        if not m or not os.path.isdir(gdir) or (keep is not None and int(m.group(1)) not in keep):
            continue
        for c in _listdir(gdir):
            cdir = os.path.join(gdir, c)
            if _CLIP_RE.match(c) and os.path.isdir(cdir):
                lab = _find(cdir, label_name)
                out.append(BallClip(f'{g}/{c}', cdir, lab, layout))
    return out


def _list_shuttlecock(root: str) -> List[BallClip]:
    out = []
    for m in _listdir(root):
        mdir = os.path.join(root, m)
        if not (_MATCH_RE.match(m) and os.path.isdir(mdir)):
            continue
        vdir, cdir = _find(mdir, 'video'), _find(mdir, 'csv')
        if vdir is None:
            continue
        for v in _listdir(vdir):
            if not _is_video(v):
                continue
            stem = os.path.splitext(v)[0]
            lab = _find(cdir, f'{stem}_ball.csv') if cdir else None
            out.append(BallClip(f'{m}/{stem}', os.path.join(vdir, v), lab, 'shuttlecock'))
    return out


def _list_videos(root: str, layout: str) -> List[BallClip]:
    names = _listdir(root)
    out = []
    for v in names:
        if _is_video(v) and os.path.isfile(os.path.join(root, v)):
            stem = os.path.splitext(v)[0]
            lab = _find(root, f'{stem}.csv') if layout == 'video_csv' else None
            out.append(BallClip(stem, os.path.join(root, v), lab, layout))
    return out


def list_frame_files(clip_dir: str) -> List[str]:
    """Frame paths ``0000.jpg, 0001.jpg, ...`` of a clip folder, checked to be contiguous."""
    names = [n for n in os.listdir(clip_dir) if FRAME_RE.match(n)]
    names.sort(key=lambda n: int(FRAME_RE.match(n).group(1)))
    for i, n in enumerate(names):
        if int(FRAME_RE.match(n).group(1)) != i:
            raise BallDataError(f'{clip_dir}: frame numbering has a gap: expected '
                                f'{i:04d}.jpg, found {n}')
    return [os.path.join(clip_dir, n) for n in names]


# ---------------------------------------------------------------- label files
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


def expected_labels_path(clip: BallClip) -> str:
    """Where a clip's layout keeps its label file (for messages about a missing one)."""
    if clip.layout in ('seed', 'tracknet'):
        return os.path.join(clip.media, 'labels.csv' if clip.layout == 'seed' else 'Label.csv')
    stem, _ = os.path.splitext(clip.media)
    if clip.layout == 'shuttlecock':
        match_dir = os.path.dirname(os.path.dirname(clip.media))
        return os.path.join(match_dir, 'csv', os.path.basename(stem) + '_ball.csv')
    return stem + '.csv'


def read_clip_labels(clip: BallClip, full_size: Optional[Tuple[int, int]] = None) -> np.ndarray:
    """The labels of a clip in its layout's format: (N, 3) ``(code, x, y)`` pixels."""
    if clip.labels is None:
        raise BallDataError(f'{expected_labels_path(clip)}: labels file is missing '
                            f'({clip.layout} layout)')
    if clip.layout in ('seed', 'tracknet'):
        return read_game_labels(clip.labels)
    return read_frame_labels(clip.labels, full_size, normalised=clip.layout == 'video_csv')


# ---------------------------------------------------------------- predictions
PREDICTION_HEADER = ('frame', 'code', 'x', 'y')


def read_prediction_csv(path: str, n_frames: int) -> np.ndarray:
    """A prediction file ``frame,code,x,y`` (what inference writes) -> (n_frames, 3).

    Every frame must appear exactly once; x, y are full-resolution pixels and
    may be empty where the code is 0.
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
