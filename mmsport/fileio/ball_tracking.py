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

Listing and detection live here; the label and prediction readers (one row
``(code, x, y)`` per frame, validated) are :mod:`.ball_tracking_labels` and are
re-exported here.

Pure stdlib + numpy: importing this module imports neither torch nor OpenMMLab.
"""
import os
import re
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import numpy as np

from .ball_tracking_labels import (CODES, FRAME_RE, PREDICTION_HEADER,  # noqa: F401
                                   prediction_rows, read_frame_labels, read_game_labels,
                                   read_prediction_csv)
from .errors import BallDataError
from .media import VIDEO_EXTS

LAYOUTS = ('seed', 'tracknet', 'shuttlecock', 'video_csv')

_GAME_RE = re.compile(r'^game(\d+)$', re.I)
_CLIP_RE = re.compile(r'^clip(\d+)$', re.I)
_MATCH_RE = re.compile(r'^match(\d+)$', re.I)


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
        keys = [_clip_key(k, clips, root) for k in keys]
        missing = [k for k in keys if k.lower() not in by_key]
        if missing:
            raise BallDataError(f'{root}: clip(s) {missing} not found in the {layout} layout '
                                f'(found {len(clips)} clips, e.g. '
                                f'{[c.key for c in clips[:3]]})')
        clips = [by_key[k.lower()] for k in keys]
    return layout, clips


def _clip_key(key, clips: List[BallClip], root: str) -> str:
    """A clip key as a string; an int (``--cfg-options clips=[00001]`` arrives as
    the int 1, mmengine parses digits as numbers) names the one all-digit clip
    key of that value."""
    if isinstance(key, str):
        return key
    if isinstance(key, int) and not isinstance(key, bool):
        same = [c.key for c in clips if c.key.isdigit() and int(c.key) == key]
        if len(same) == 1:
            return same[0]
        raise BallDataError(f'{root}: clip key {key!r} is a number and matches '
                            f'{len(same)} clips {same[:3]}; give the clip name as a string')
    raise BallDataError(f'{root}: clip key {key!r} is not a string')


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
