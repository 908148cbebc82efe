"""Random-access frames of a short video through OpenCV, with decord's reader interface.

decord 0.6 cannot decode some small clips (``Check failed: from_size == to_size`` when
a width is not a multiple of 16); :class:`OpenCVIndexedReader` reads the same frames
with OpenCV, so code written for ``decord.VideoReader`` (``len``, ``get_avg_fps``,
``get_batch(indices).asnumpy()``) can fall back to it. Frames are RGB like decord's.
Reading is sequential from the start to the largest index asked for (the frames in
between are grabbed, not decoded), so it suits clips and sorted requests.
"""
from typing import Sequence

import cv2
import numpy as np

from mmsport.fileio.media import MediaError


class _Batch:
    def __init__(self, frames: np.ndarray):
        self._frames = frames

    def asnumpy(self) -> np.ndarray:
        return self._frames


class OpenCVIndexedReader:
    """``decord.VideoReader``-like access to a video through OpenCV.

    Args:
        path: the video file.

    Raises:
        MediaError: the file cannot be opened or has no decodable frame (naming it).
    """

    def __init__(self, path: str):
        self.path = path
        cap = cv2.VideoCapture(path)
        try:
            if not cap.isOpened():
                raise MediaError(f'{path}: cannot be opened as a video (corrupt or not a video?)')
            self._fps = float(cap.get(cv2.CAP_PROP_FPS)) or 0.0
            n = 0
            while cap.grab():
                n += 1
        finally:
            cap.release()
        if n == 0:
            raise MediaError(f'{path}: the video has no decodable frames')
        self._len = n

    def __len__(self) -> int:
        return self._len

    def get_avg_fps(self) -> float:
        return self._fps

    def get_batch(self, indices: Sequence[int]) -> _Batch:
        """Frames ``indices`` (any order, repeats allowed) as (n, H, W, 3) RGB uint8."""
        idx = [int(i) for i in indices]
        bad = [i for i in idx if not 0 <= i < self._len]
        if bad:
            raise IndexError(f'{self.path}: frame {bad[0]} outside 0..{self._len - 1}')
        wanted, frames = set(idx), {}
        cap = cv2.VideoCapture(self.path)
        try:
            for i in range(max(idx) + 1 if idx else 0):
                if i in wanted:
                    ok, frame = cap.read()
                    if not ok:
                        raise MediaError(f'{self.path}: frame {i} could not be decoded')
                    frames[i] = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
                elif not cap.grab():
                    raise MediaError(f'{self.path}: frame {i} could not be read')
        finally:
            cap.release()
        return _Batch(np.stack([frames[i] for i in idx]) if idx else np.zeros((0, 0, 0, 3),
                                                                              np.uint8))
