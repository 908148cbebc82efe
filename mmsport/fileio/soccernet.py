"""Reading and writing the SoccerNet spotting layout (docs/formats.md, docs/metrics.md).

``<root>/<league>/<season>/<game>/{1_720p.mkv, 2_720p.mkv, Labels-ball.json}``
(ball action 2023: 25 fps, two halves), or the one-video-per-game 2025 form
(``<game>/720p.mp4``, read as half 1). ``Labels-ball.json`` is
``{"UrlLocal": ..., "annotations": [{"gameTime": "1 - 00:31", "label": "PASS",
"position": "31480", "team": "left", "visibility": "visible"}, ...]}`` with
``position`` in milliseconds from the start of the half.

Frames follow the SoccerNet reference evaluation exactly:
``frame = int(fps * (int(position) / 1000))``; :func:`frame_to_position_ms`
writes positions that read back to the same frame. Pure Python, no torch.
Every error names the file and the problem (:class:`SoccerNetDataError`); where the
reference evaluator is lenient (unknown labels, extra halves) the readers keep its values
and warn with the file and the count (:class:`SoccerNetDataWarning`), or raise with
``strict=True``. See docs/bad_inputs.md. The evaluator's input lists are checked by
:mod:`.soccernet_entries`; predictions files are written and read by :mod:`.soccernet_predictions`.
"""
import json
import math
import os
import re
import warnings
from collections import Counter
from typing import Dict, Iterator, List, Optional, Sequence

from mmsport.fileio.media import VIDEO_EXTS

BALL_CLASSES_2023 = ('PASS', 'DRIVE')
V2_CLASSES = ('Penalty', 'Kick-off', 'Goal', 'Substitution', 'Offside', 'Shots on target',
              'Shots off target', 'Clearance', 'Ball out of play', 'Throw-in', 'Foul',
              'Indirect free-kick', 'Direct free-kick', 'Corner', 'Yellow card', 'Red card',
              'Yellow->red card')
BALL_CLASSES_2024 = ('PASS', 'DRIVE', 'HEADER', 'HIGH PASS', 'OUT', 'CROSS', 'THROW IN',
                     'SHOT', 'BALL PLAYER BLOCK', 'PLAYER SUCCESSFUL TACKLE', 'FREE KICK',
                     'GOAL')
RESOLUTION_PREFERENCE = ('720p', '224p', '398p', '1080p')

_GAME_TIME_RE = re.compile(r'^\s*(\d)\s*-\s*(\d+):(\d{2})\s*$')
_HALF_VIDEO_RE = re.compile(r'^([12])_(.+)$')
_INT_RE = re.compile(r'^\s*\d+\s*$')
VISIBILITIES = ('visible', 'not shown')
#: Length of the reference evaluator's per-half arrays (positions past it are clipped).
HALF_VECTOR_SECONDS = 120 * 60
_MAX_NAMED = 5


class SoccerNetDataError(ValueError):
    """Bad SoccerNet input; the message names the file and the problem."""


class SoccerNetDataWarning(UserWarning):
    """Input the SoccerNet evaluator accepts but ignores or bends (unknown labels, extra
    halves, duplicates); the message names the file and counts the entries."""


def _warn(msg: str) -> None:
    warnings.warn(msg, SoccerNetDataWarning, stacklevel=3)


def _case_map(classes: Sequence[str]) -> Dict[str, str]:
    """lower-cased name -> class, for names that differ from a class only in case."""
    return {c.lower(): c for c in classes}


def _describe_unknown(names: Counter, classes: Sequence[str]) -> str:
    """``'pass' (2, differs only in case from 'PASS'), 'SHOT' (1)`` for a counter of labels."""
    lower = _case_map(classes)
    parts = []
    for name, n in names.most_common(_MAX_NAMED):
        hint = ''
        if isinstance(name, str) and name.lower() in lower:
            hint = f', differs only in case from {lower[name.lower()]!r}'
        parts.append(f'{name!r} ({n}{hint})')
    more = len(names) - _MAX_NAMED
    return ', '.join(parts) + (f' and {more} more name(s)' if more > 0 else '')


def position_to_frame(position_ms: int, fps: float = 25.0) -> int:
    """Frame index of a position, exactly as the SoccerNet evaluation reads it."""
    return int(fps * (int(position_ms) / 1000))


def frame_to_position_ms(frame: int, fps: float = 25.0) -> int:
    """The smallest position (ms) that reads back as ``frame``.

    Plain ``round(frame * 1000 / fps)`` can read back one frame early (the
    reader truncates); this starts from the ceiling and nudges by 1 ms until
    both ``int(fps * (pos / 1000))`` and ``int(fps * pos / 1000)`` give ``frame``.
    """
    frame = int(frame)
    if frame < 0:
        raise ValueError(f'frame must be >= 0, got {frame}')
    if float(fps).is_integer():
        pos = -(-frame * 1000 // int(fps))
    else:
        pos = math.ceil(frame * 1000 / fps)
    for _ in range(8):
        got = (position_to_frame(pos, fps), int(fps * pos / 1000))
        if min(got) < frame:
            pos += 1
        elif max(got) > frame:
            pos -= 1
        else:
            return pos
    raise ValueError(f'no position in ms reads back as frame {frame} at {fps} fps')


def game_time(half: int, position_ms: int) -> str:
    """``gameTime`` string ``"<half> - mm:ss"`` of a position within its half."""
    secs = int(position_ms) // 1000
    return f'{int(half)} - {secs // 60:02d}:{secs % 60:02d}'


def list_games(root: str, label_file: str = 'Labels-ball.json') -> List[str]:
    """Relative game paths (``league/season/game``, sorted) holding ``label_file``."""
    if not os.path.isdir(root):
        raise SoccerNetDataError(f'{root}: not a directory (expected '
                                 f'<league>/<season>/<game>/{label_file})')
    games = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        if label_file in filenames:
            games.append(os.path.relpath(dirpath, root).replace(os.sep, '/'))
    return sorted(games)


def _pick(names: Sequence[str], stem_of) -> str:
    """The name whose resolution comes first in RESOLUTION_PREFERENCE."""
    def key(n):
        stem = stem_of(n)
        rank = (RESOLUTION_PREFERENCE.index(stem) if stem in RESOLUTION_PREFERENCE
                else len(RESOLUTION_PREFERENCE))
        return rank, n
    return min(names, key=key)


def game_videos(game_dir: str) -> Dict[int, str]:
    """Map half -> video path for one game folder.

    Two-half games use ``1_<res>.<ext>`` and ``2_<res>.<ext>`` (``720p`` preferred
    over ``224p``); without those, a single video is the whole game as half 1.
    """
    if not os.path.isdir(game_dir):
        raise SoccerNetDataError(f'{game_dir}: game folder is missing')
    videos = sorted(n for n in os.listdir(game_dir)
                    if os.path.splitext(n)[1].lower() in VIDEO_EXTS
                    and os.path.isfile(os.path.join(game_dir, n)))
    halves: Dict[int, List[str]] = {}
    for n in videos:
        m = _HALF_VIDEO_RE.match(n)
        if m:
            halves.setdefault(int(m.group(1)), []).append(n)
    if halves:
        missing = [h for h in (1, 2) if h not in halves]
        if missing:
            raise SoccerNetDataError(
                f'{game_dir}: found {sorted(n for v in halves.values() for n in v)} but no '
                f'video for half {missing[0]} (expected {missing[0]}_720p.mkv or similar)')
        stem = lambda n: os.path.splitext(n)[0][2:]  # noqa: E731
        return {h: os.path.join(game_dir, _pick(halves[h], stem)) for h in (1, 2)}
    if not videos:
        raise SoccerNetDataError(f'{game_dir}: no video file (expected 1_720p.mkv and '
                                 f'2_720p.mkv, or a single video such as 720p.mp4)')
    return {1: os.path.join(game_dir, _pick(videos, lambda n: os.path.splitext(n)[0]))}


def load_json(path: str):
    """Parse a JSON file; a missing or unparsable file raises :class:`SoccerNetDataError`."""
    if not os.path.isfile(path):
        raise SoccerNetDataError(f'{path}: file is missing')
    try:
        with open(path, encoding='utf-8') as f:
            return json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SoccerNetDataError(f'{path}: cannot be parsed as JSON ({e})') from e


_load_json = load_json


def _half_and_position(path, what, i, item):
    gt = item.get('gameTime')
    m = _GAME_TIME_RE.match(gt) if isinstance(gt, str) else None
    if m is None:
        raise SoccerNetDataError(f'{path}: {what} {i}: gameTime {gt!r} is not like '
                                 f'"1 - 00:31"')
    half = int(m.group(1))
    if half not in (1, 2):
        raise SoccerNetDataError(f'{path}: {what} {i}: gameTime {gt!r}: half must be 1 or '
                                 f'2, got {half}')
    pos = item.get('position')
    if isinstance(pos, bool) or not (isinstance(pos, int) and pos >= 0
                                     or isinstance(pos, str) and _INT_RE.match(pos)):
        raise SoccerNetDataError(f'{path}: {what} {i}: position {pos!r} is not a '
                                 f'non-negative integer (milliseconds)')
    return half, int(pos)


def read_entries(path: str, key: str, what: str) -> List[tuple]:
    """Read the timed, labelled entries of a SoccerNet JSON file (labels or predictions).

    Args:
        path: the file.
        key: the list's key: ``'annotations'`` (labels) or ``'predictions'``.
        what: the entry's name in errors (``'annotation'``, ``'prediction'``).

    Returns:
        ``[(i, entry, half, position_ms, label), ...]`` in file order; ``entry`` is
        the raw dict, for the fields a caller reads beyond these.

    Raises:
        SoccerNetDataError: unreadable JSON, no ``key`` list, an entry that is not
            an object, a bad ``gameTime`` / ``position``, a label that is not a
            string; the file and the entry's index are named.
    """
    data = load_json(path)
    entries = data.get(key) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise SoccerNetDataError(f'{path}: expected an object with a "{key}" list')
    out = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise SoccerNetDataError(f'{path}: {what} {i} is not an object: {entry!r}')
        half, pos = _half_and_position(path, what, i, entry)
        label = entry.get('label')
        if not isinstance(label, str):
            raise SoccerNetDataError(f'{path}: {what} {i}: label {label!r} is not a string')
        out.append((i, entry, half, pos, label))
    return out


def read_labels(path: str, classes: Sequence[str], fps: float = 25.0,
                skip_unknown: bool = False) -> List[dict]:
    """Read a ``Labels-ball.json`` (or ``Labels-v2.json``) file.

    Args:
        path: the labels file.
        classes: class names; ``class_idx`` is the index into it.
        fps: frame rate that positions are converted at.
        skip_unknown: drop annotations whose label is not in ``classes``
            instead of raising; a :class:`SoccerNetDataWarning` names the file,
            the count and the names (those differing from a class only in case
            are pointed out).

    Returns:
        list of dicts ``{half, frame, position_ms, label, class_idx, visibility,
        team}`` in file order (``team`` is None when absent).

    Raises:
        SoccerNetDataError: unreadable JSON, no ``annotations`` list, a bad
            ``gameTime`` / ``position`` / ``label`` (the annotation index named),
            an unknown label (unless ``skip_unknown``).

    Warns:
        SoccerNetDataWarning: skipped unknown labels, a ``visibility`` other than
        ``visible`` / ``not shown`` (read as visible), the same (half, frame,
        label) annotated twice.
    """
    anns = read_entries(path, 'annotations', 'annotation')
    classes = list(classes)
    index = {c: i for i, c in enumerate(classes)}
    out, skipped, odd_vis = [], Counter(), Counter()
    for i, ann, half, pos, label in anns:
        if label not in index:
            if skip_unknown:
                skipped[label] += 1
                continue
            raise SoccerNetDataError(f'{path}: annotation {i}: unknown label '
                                     f'{_describe_unknown(Counter([label]), classes)}; '
                                     f'known classes: {classes}')
        vis = ann.get('visibility', 'visible')
        if vis not in VISIBILITIES:
            odd_vis[vis if isinstance(vis, str) else repr(vis)] += 1
        out.append(dict(half=half, frame=position_to_frame(pos, fps), position_ms=pos,
                        label=label, class_idx=index[label],
                        visibility=str(vis), team=ann.get('team')))
    if skipped:
        _warn(f'{path}: {sum(skipped.values())} of {len(anns)} annotation(s) skipped: '
              f'label(s) not in the classes: {_describe_unknown(skipped, classes)}')
    if odd_vis:
        _warn(f'{path}: {sum(odd_vis.values())} annotation(s) with a visibility other than '
              f'{" / ".join(VISIBILITIES)} ({", ".join(map(repr, odd_vis))}), read as visible')
    dup = len(out) - len({(a['half'], a['frame'], a['class_idx']) for a in out})
    if dup:
        _warn(f'{path}: {dup} annotation(s) repeat the (half, frame, label) of another one')
    return out


def iter_game_labels(root: str, games: Optional[Sequence[str]], label_file: str,
                     classes: Sequence[str], fps: float = 25.0,
                     skip_unknown: bool = False) -> Iterator[tuple]:
    """Read the labels and find the half videos of each game.

    Args:
        root: the data root.
        games: game paths relative to ``root``; None for every game folder holding
            ``label_file``.
        label_file, classes, fps, skip_unknown: see :func:`read_labels`.

    Yields:
        ``(game, labels_path, labels, videos)`` with ``videos`` = {half: path}.
    """
    for game in (list_games(root, label_file) if games is None else list(games)):
        gdir = os.path.join(root, game)
        labels_path = os.path.join(gdir, label_file)
        labels = read_labels(labels_path, classes, fps, skip_unknown)
        yield game, labels_path, labels, game_videos(gdir)


def check_labels_against_videos(labels: Sequence[dict], n_frames_per_half: Dict[int, int],
                                path: str) -> None:
    """Raise if a label's half has no video or its frame is past the video's end.

    Args:
        labels: from :func:`read_labels`.
        n_frames_per_half: half -> number of frames of that half's video.
        path: the labels file, named in errors.
    """
    for i, lab in enumerate(labels):
        half, frame = lab['half'], lab['frame']
        if half not in n_frames_per_half:
            raise SoccerNetDataError(
                f'{path}: label {i} ({lab["label"]} at {game_time(half, lab["position_ms"])}) '
                f'is in half {half}, which has no video (halves: {sorted(n_frames_per_half)})')
        n = n_frames_per_half[half]
        if not 0 <= frame < n:
            raise SoccerNetDataError(
                f'{path}: label {i} ({lab["label"]}, position {lab["position_ms"]} ms) is '
                f'frame {frame} of half {half}, outside its video of {n} frames')
