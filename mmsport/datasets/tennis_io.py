"""Ball-tracking frames on disk: listing clip folders and decoding jpgs.

Layouts and label files are read by :mod:`mmsport.fileio.ball_tracking` (all
four public layouts); this module keeps the seed layout's helpers and the
frame decoding used by training, evaluation and streaming inference.
"""
import os
from typing import List, Tuple

import cv2
import numpy as np

from mmsport.fileio.ball_tracking import list_ball_clips, list_frame_files, read_game_labels
from mmsport.fileio.errors import BallDataError
from mmsport.fileio import media
from mmsport.fileio.media import read_image
from mmsport.video.resize import resize_frame  # noqa: F401 (re-exported)

# The error every ball-tracking reader raises (the name predates other sports).
TennisDataError = BallDataError

# cv2 can decode a JPEG directly at 1/2, 1/4 or 1/8 size (DCT scaling).
_REDUCED_FLAGS = {2: cv2.IMREAD_REDUCED_COLOR_2, 4: cv2.IMREAD_REDUCED_COLOR_4,
                  8: cv2.IMREAD_REDUCED_COLOR_8}


def list_clips(root: str, games=None) -> List[Tuple[str, str]]:
    """``(key, clip_dir)`` pairs of the seed layout ``game*/clip*`` in natural order."""
    if not os.path.isdir(root):
        raise TennisDataError(f'{root}: not a directory (expected game*/clip* folders)')
    _, clips = list_ball_clips(root, 'seed', games=games)
    return [(c.key, c.media) for c in clips]


list_frames = list_frame_files
read_labels_csv = read_game_labels


def read_image_size(path: str) -> Tuple[int, int]:
    """(width, height) of an image from its header, without decoding it."""
    return media.read_image_size(path, TennisDataError)


def reduced_decode_factor(full_size: Tuple[int, int], size: Tuple[int, int]) -> int:
    """The factor (1, 2, 4 or 8) for cv2's reduced JPEG decode of full_size -> size."""
    for factor in _REDUCED_FLAGS:
        if full_size == (size[0] * factor, size[1] * factor):
            return factor
    return 1


def read_frame(path: str, size: Tuple[int, int], factor: int = 1) -> np.ndarray:
    """Decode one jpg to ``size`` = (width, height), BGR uint8 (H, W, 3).

    Args:
        path: the jpg.
        size: output (width, height).
        factor: from :func:`reduced_decode_factor`; 2, 4 or 8 decodes directly
            at that reduction (several times faster than decode + resize).

    Raises:
        TennisDataError: missing, truncated (no JPEG end marker: OpenCV would fill
            the rest grey) or undecodable file, named in the message.
    """
    img = read_image(path, _REDUCED_FLAGS.get(factor, cv2.IMREAD_COLOR), TennisDataError)
    return resize_frame(img, tuple(size))
