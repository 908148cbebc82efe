"""Random access to the frames of videos for training, each frame decoded once.

Training draws stacks of neighbouring frames in random order. Seeking a video
for every stack would decode each frame many times (a stack of S frames at
every frame decodes each frame S times, and a seek decodes from the previous
keyframe). :class:`VideoFrameCache` instead decodes a video in aligned
segments of ``segment_frames`` frames, sequentially with OpenCV, resizes each
frame once to the model's input size (:func:`resize_frame`, the same as
streaming inference) and keeps the segments in an LRU bounded by
``max_bytes``: memory is bounded whatever the length or number of videos, and
while the cache holds a video's segments every frame of it is decoded once.
"""
import os
from collections import OrderedDict
from typing import Dict, Tuple

import cv2
import numpy as np

from mmsport.fileio.errors import BallDataError
from .resize import resize_frame


class VideoDecodeError(BallDataError):
    """A video that cannot be opened or ends before a frame its labels need."""


def probe_video(path: str) -> Tuple[Tuple[int, int], int, float]:
    """``((W, H), declared frame count, fps)`` of a video from its container."""
    if not os.path.isfile(path):
        raise VideoDecodeError(f'{path}: no such video file')
    cap = cv2.VideoCapture(path)
    try:
        if not cap.isOpened():
            raise VideoDecodeError(f'{path}: cannot be opened as a video (corrupt or truncated?)')
        size = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
        return size, int(cap.get(cv2.CAP_PROP_FRAME_COUNT)), float(cap.get(cv2.CAP_PROP_FPS))
    finally:
        cap.release()


class VideoFrameCache:
    """Frames of videos at a given size, decoded in cached segments.

    Args:
        segment_frames: frames decoded together (sequentially) per cache entry.
        max_bytes: bound on the decoded frames kept (least recently used
            segments are dropped first).

    Attributes:
        decoded_frames: frames decoded so far (for benchmarks and tests).
    """

    def __init__(self, segment_frames: int = 64, max_bytes: int = 1 << 30):
        self.segment_frames = int(segment_frames)
        self.max_bytes = int(max_bytes)
        self._segments: 'OrderedDict[tuple, np.ndarray]' = OrderedDict()
        self._bytes = 0
        self._caps: Dict[str, Tuple[cv2.VideoCapture, int]] = {}
        self.decoded_frames = 0

    def get(self, path: str, index: int, size: Tuple[int, int]) -> np.ndarray:
        """Frame ``index`` of ``path`` resized to ``size`` = (w, h): (h, w, 3) BGR uint8."""
        seg, off = divmod(int(index), self.segment_frames)
        key = (path, tuple(size), seg)
        frames = self._segments.get(key)
        if frames is None:
            frames = self._decode(path, seg * self.segment_frames, tuple(size))
            self._segments[key] = frames
            self._bytes += frames.nbytes
            while self._bytes > self.max_bytes and len(self._segments) > 1:
                _, old = self._segments.popitem(last=False)
                self._bytes -= old.nbytes
        else:
            self._segments.move_to_end(key)
        if off >= len(frames):
            raise VideoDecodeError(f'{path}: frame {index} requested but the video ends at '
                                   f'frame {seg * self.segment_frames + len(frames) - 1}')
        return frames[off]

    def _capture(self, path: str, start: int) -> cv2.VideoCapture:
        """An open capture positioned at ``start`` (continues without seeking when it can)."""
        cap, pos = self._caps.pop(path, (None, -1))
        if cap is not None and pos != start:
            if start == 0:
                cap.release()
                cap = None
            else:
                cap.set(cv2.CAP_PROP_POS_FRAMES, start)
        if cap is None:
            cap = cv2.VideoCapture(path)
            if not cap.isOpened():
                raise VideoDecodeError(f'{path}: cannot be opened as a video')
            if start:
                cap.set(cv2.CAP_PROP_POS_FRAMES, start)
        if len(self._caps) >= 4:  # keep a few captures open (file handles, decoder state)
            old = next(iter(self._caps))
            self._caps.pop(old)[0].release()
        return cap

    def _decode(self, path: str, start: int, size: Tuple[int, int]) -> np.ndarray:
        cap = self._capture(path, start)
        out = []
        for _ in range(self.segment_frames):
            ok, frame = cap.read()
            if not ok:
                break
            out.append(resize_frame(frame, size))
        self.decoded_frames += len(out)
        if not out:
            cap.release()
            raise VideoDecodeError(f'{path}: no frame could be decoded at frame {start}')
        self._caps[path] = (cap, start + len(out))
        return np.stack(out)

    def close(self) -> None:
        for cap, _ in self._caps.values():
            cap.release()
        self._caps.clear()

    def __getstate__(self):  # captures cannot be pickled (dataloader workers)
        state = self.__dict__.copy()
        state['_caps'] = {}
        state['_segments'] = OrderedDict()
        state['_bytes'] = 0
        return state
