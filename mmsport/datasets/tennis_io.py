"""Reading the tennis ball-tracking layout (FORMATS.md).

``<root>/game<G>/clip<C>/{0000.jpg, 0001.jpg, ..., labels.csv}``; ``labels.csv``
has a header row, then ``file name, code, x, y, q`` per frame (code 0 no ball,
1 visible, 2 hard to see, 3 occluded; x, y empty when code is 0).

Every error names the file and the problem (:class:`TennisDataError`).
"""
import csv
import os
import re
from typing import List, Tuple

import cv2
import numpy as np

_GAME_RE = re.compile(r'^game(\d+)$')
_CLIP_RE = re.compile(r'^clip(\d+)$')
_FRAME_RE = re.compile(r'^(\d+)\.jpg$')

# cv2 can decode a JPEG directly at 1/2, 1/4 or 1/8 size (DCT scaling).
_REDUCED_FLAGS = {2: cv2.IMREAD_REDUCED_COLOR_2, 4: cv2.IMREAD_REDUCED_COLOR_4,
                  8: cv2.IMREAD_REDUCED_COLOR_8}


class TennisDataError(ValueError):
    """Bad tennis input; the message names the file and the problem."""


def list_clips(root: str, games=None) -> List[Tuple[str, str]]:
    """List ``(key, clip_dir)`` pairs under a split root, in natural order.

    Args:
        root: split folder holding ``game*/clip*``.
        games: optional iterable of game numbers to keep.

    Returns:
        list of ``('game1/clip3', '<root>/game1/clip3')``.
    """
    if not os.path.isdir(root):
        raise TennisDataError(f'{root}: not a directory (expected game*/clip* folders)')
    keep = None if games is None else {int(g) for g in games}
    out = []
    for g in sorted(os.listdir(root), key=_natural_key):
        m = _GAME_RE.match(g)
        if not m or (keep is not None and int(m.group(1)) not in keep):
            continue
        gdir = os.path.join(root, g)
        for c in sorted(os.listdir(gdir), key=_natural_key):
            if _CLIP_RE.match(c) and os.path.isdir(os.path.join(gdir, c)):
                out.append((f'{g}/{c}', os.path.join(gdir, c)))
    return out


def _natural_key(name: str):
    return [int(t) if t.isdigit() else t for t in re.split(r'(\d+)', name)]


def list_frames(clip_dir: str) -> List[str]:
    """Frame paths ``0000.jpg, 0001.jpg, ...`` of a clip, checked to be contiguous."""
    names = [n for n in os.listdir(clip_dir) if _FRAME_RE.match(n)]
    names.sort(key=lambda n: int(_FRAME_RE.match(n).group(1)))
    for i, n in enumerate(names):
        if int(_FRAME_RE.match(n).group(1)) != i:
            raise TennisDataError(f'{clip_dir}: frame numbering has a gap: expected '
                                  f'{i:04d}.jpg, found {n}')
    return [os.path.join(clip_dir, n) for n in names]


def read_labels_csv(path: str) -> np.ndarray:
    """Read a clip's ``labels.csv``.

    Returns:
        np.ndarray: (N, 3) float64 rows ``(code, x, y)``; x = y = -1 where code is 0.
    """
    if not os.path.isfile(path):
        raise TennisDataError(f'{path}: labels file is missing')
    try:
        with open(path, newline='') as f:
            rows = list(csv.reader(f))
    except (OSError, UnicodeDecodeError) as e:
        raise TennisDataError(f'{path}: cannot be read as CSV ({e})') from e
    if len(rows) < 2:
        raise TennisDataError(f'{path}: expected a header row and one row per frame, '
                              f'found {len(rows)} row(s)')
    out = np.full((len(rows) - 1, 3), -1.0)
    for i, row in enumerate(rows[1:]):
        line = i + 2
        if len(row) < 2:
            raise TennisDataError(f'{path}:{line}: expected "file name, code, x, y, q", '
                                  f'got {row!r}')
        try:
            code = int(row[1])
        except ValueError:
            raise TennisDataError(f'{path}:{line}: code {row[1]!r} is not an integer')
        if code not in (0, 1, 2, 3):
            raise TennisDataError(f'{path}:{line}: code {code} is not one of 0, 1, 2, 3')
        out[i, 0] = code
        if code == 0:
            continue
        try:
            out[i, 1], out[i, 2] = float(row[2]), float(row[3])
        except (ValueError, IndexError):
            raise TennisDataError(f'{path}:{line}: code {code} needs numeric x, y; '
                                  f'got {row[2:4]!r}')
    return out


def read_image_size(path: str) -> Tuple[int, int]:
    """(width, height) of an image from its header, without decoding it."""
    from PIL import Image, UnidentifiedImageError
    try:
        with Image.open(path) as im:
            return im.size
    except (OSError, UnidentifiedImageError) as e:
        raise TennisDataError(f'{path}: not a readable image ({e})') from e


def reduced_decode_factor(full_size: Tuple[int, int], size: Tuple[int, int]) -> int:
    """The factor (1, 2, 4 or 8) for cv2's reduced JPEG decode of full_size -> size."""
    for factor in _REDUCED_FLAGS:
        if full_size == (size[0] * factor, size[1] * factor):
            return factor
    return 1


def resize_frame(img: np.ndarray, size: Tuple[int, int]) -> np.ndarray:
    """Area-resample a (H, W, 3) frame to ``size`` = (w, h).

    Exact halvings are done with INTER_LINEAR, which at a factor of 2 averages
    each 2x2 block (the same as INTER_AREA) several times faster; whatever
    remains uses INTER_AREA. Training, evaluation and streaming inference all
    resize through this function.
    """
    w, h = size
    while (img.shape[0] % 2 == 0 and img.shape[1] % 2 == 0
           and img.shape[1] // 2 >= w and img.shape[0] // 2 >= h):
        img = cv2.resize(img, (img.shape[1] // 2, img.shape[0] // 2),
                         interpolation=cv2.INTER_LINEAR)
    if img.shape[1] != w or img.shape[0] != h:
        img = cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA)
    return img


def read_frame(path: str, size: Tuple[int, int], factor: int = 1) -> np.ndarray:
    """Decode one jpg to ``size`` = (width, height), BGR uint8 (H, W, 3).

    Args:
        path: the jpg.
        size: output (width, height).
        factor: from :func:`reduced_decode_factor`; 2, 4 or 8 decodes directly
            at that reduction (several times faster than decode + resize).
    """
    img = cv2.imread(path, _REDUCED_FLAGS.get(factor, cv2.IMREAD_COLOR))
    if img is None:
        raise TennisDataError(f'{path}: corrupt or unreadable jpg')
    return resize_frame(img, tuple(size))
