"""Sequential frame sources: each frame is decoded exactly once, in order."""
import os
import queue
import threading
from typing import Iterable, Iterator, Optional, Tuple

import cv2
import numpy as np

from mmsport.fileio.ball_tracking import list_frame_files
from mmsport.fileio.errors import BallDataError

from mmsport.fileio.media import VIDEO_EXTS  # noqa: F401
from mmsport.fileio.media import frame_count_problem, read_image


class VideoReadError(BallDataError):
    """A video that cannot be opened or decoded; the message names the file."""


class VideoFrames:
    """Iterate the BGR frames of a video file with OpenCV (fastest sequential reader here).

    Attributes:
        fps, size (W, H), declared_frames: read from the container on open.
    """

    def __init__(self, path: str):
        self.path = path
        if not os.path.isfile(path):
            raise VideoReadError(f'{path}: no such video file')
        if os.path.getsize(path) == 0:
            raise VideoReadError(f'{path}: zero-byte video')
        cap = cv2.VideoCapture(path)
        if not cap.isOpened():
            raise VideoReadError(f'{path}: cannot be opened as a video (corrupt or truncated?)')
        self.fps = cap.get(cv2.CAP_PROP_FPS) or 25.0
        self.size = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)),
                     int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
        self.declared_frames = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
        cap.release()

    def __iter__(self) -> Iterator[np.ndarray]:
        cap = cv2.VideoCapture(self.path)
        n = 0
        try:
            while True:
                ok, frame = cap.read()
                if not ok:
                    break
                n += 1
                yield frame
        finally:
            cap.release()
        problem = frame_count_problem(n, self.declared_frames)
        if problem:
            raise VideoReadError(f'{self.path}: {problem}')


class ClipFrames:
    """Iterate the jpg frames ``0000.jpg, 0001.jpg, ...`` of a tennis clip folder.

    Args:
        clip_dir: the clip folder.
        fps: nominal frame rate (the layout does not store one).
    """

    def __init__(self, clip_dir: str, fps: float = 25.0):
        self.path = clip_dir
        self.frames = list_frame_files(clip_dir)
        if not self.frames:
            raise BallDataError(f'{clip_dir}: no jpg frames')
        first = read_image(self.frames[0], cv2.IMREAD_COLOR, BallDataError)
        self.size: Tuple[int, int] = (first.shape[1], first.shape[0])
        self.fps = fps
        self.declared_frames = len(self.frames)

    def __iter__(self) -> Iterator[np.ndarray]:
        for path in self.frames:  # a truncated jpg is an error, not a grey frame
            yield read_image(path, cv2.IMREAD_COLOR, BallDataError)


def open_frames(path: str, fps: Optional[float] = None):
    """A :class:`VideoFrames` for a video file, a :class:`ClipFrames` for a clip folder."""
    if os.path.isdir(path):
        return ClipFrames(path, fps or 25.0)
    return VideoFrames(path)


_END = object()


def prefetch(frames: Iterable, maxsize: int = 8) -> Iterator:
    """Iterate ``frames`` in a background thread, at most ``maxsize`` items ahead.

    OpenCV releases the GIL while decoding, so decoding the next frames overlaps
    with the model work on the current ones; memory stays bounded by
    ``maxsize`` frames. An exception in the producer is re-raised here, in order.
    """
    q = queue.Queue(maxsize=maxsize)
    stop = threading.Event()

    def produce():
        try:
            for item in frames:
                while not stop.is_set():
                    try:
                        q.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put(_END)
        except BaseException as e:  # handed to the consumer
            q.put(e)

    t = threading.Thread(target=produce, daemon=True, name='frame-prefetch')
    t.start()
    try:
        while True:
            item = q.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        t.join(timeout=5)
