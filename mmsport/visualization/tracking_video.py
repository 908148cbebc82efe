"""Overlay videos for ball tracking: ball marker + trajectory tail + running score,
and the predicted heatmap blended over the frames."""
import os
import shutil
import tempfile
from typing import Optional, Sequence, Tuple

import cv2
import numpy as np

from mmsport.utils.interrupt import partial_path

PRED_COLOR = (0, 0, 255)    # BGR red
GT_COLOR = (0, 255, 0)      # BGR green
TAIL_COLOR = (0, 255, 255)  # BGR yellow


def draw_ball_overlay(frame: np.ndarray, tail: Sequence[Sequence[float]],
                      gt: Optional[Sequence[float]] = None, text: str = '',
                      radius: int = 8) -> np.ndarray:
    """Draw the predicted ball, its recent trajectory and optionally the GT ball.

    Args:
        frame: (H, W, 3) BGR uint8 at the labels' resolution (not modified).
        tail: recent predictions ``(code, x, y)``, oldest first; the last one is
            this frame's. Consecutive detected points are joined by lines.
        gt: this frame's ground truth ``(code, x, y)``, or None.
        text: drawn in the top-left corner (frame number, running SiBaTrAcc...).
        radius: marker radius in pixels.

    Returns:
        np.ndarray: the annotated copy.
    """
    img = frame.copy()
    pts = [(int(round(p[1])), int(round(p[2]))) if p[0] else None for p in tail]
    for a, b in zip(pts[:-1], pts[1:]):
        if a is not None and b is not None:
            cv2.line(img, a, b, TAIL_COLOR, 2, cv2.LINE_AA)
    if gt is not None and gt[0]:
        cv2.circle(img, (int(round(gt[1])), int(round(gt[2]))), radius + 3, GT_COLOR, 1,
                   cv2.LINE_AA)
    if pts and pts[-1] is not None:
        cv2.circle(img, pts[-1], radius, PRED_COLOR, 2, cv2.LINE_AA)
    if text:
        cv2.putText(img, text, (10, 30), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (255, 0, 255), 2,
                    cv2.LINE_AA)
    return img


def draw_heatmap_overlay(frame: np.ndarray, heatmap: np.ndarray, alpha: float = 0.4,
                         text: str = '') -> np.ndarray:
    """Blend a (h, w) probability map in yellow over a (H, W, 3) BGR frame."""
    h, w = frame.shape[:2]
    heat = cv2.resize(np.asarray(heatmap, dtype=np.float32), (w, h),
                      interpolation=cv2.INTER_LINEAR).clip(0, 1)
    out = frame.astype(np.float32) * alpha
    yellow = np.array([0.0, 1.0, 1.0], dtype=np.float32)  # BGR
    out += heat[..., None] * yellow * (1 - alpha) * 255
    out = out.clip(0, 255).astype(np.uint8)
    if text:
        cv2.putText(out, text, (10, 30), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (255, 0, 255), 2,
                    cv2.LINE_AA)
    return out


class TrackingVideoWriter:
    """Streaming mp4 writer (OpenCV, 'mp4v'); the file appears atomically on close.

    Frames go to ``<path>.part`` (a name no ``*.mp4`` pattern matches), renamed to
    ``path`` by ``close()``. Leaving the ``with`` block by an exception, including
    ``KeyboardInterrupt`` (Ctrl-C, or SIGTERM under
    :func:`mmsport.utils.interrupt.sigterm_as_interrupt`), removes the partial file.

    Usage::

        with TrackingVideoWriter('out.mp4', fps=25, size=(1280, 720)) as vw:
            vw.write(frame)
    """

    def __init__(self, path: str, fps: float, size: Tuple[int, int]):
        self.path = path
        self.size = tuple(int(v) for v in size)
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        self._tmp = partial_path(path)
        self._writer = None
        self.frames = 0
        try:  # an interrupt anywhere in here (e.g. Ctrl-C while OpenCV opens the file)
            self._writer = _open_writer(self._tmp, os.path.splitext(path)[1] or '.mp4',
                                        float(fps), self.size)
            if self._writer is None:
                raise OSError(f'{path}: cannot open a video writer')
        except BaseException:  # leaves no partial file: __exit__ will never run
            if self._writer is not None:
                self._writer.release()
                self._writer = None
            if os.path.exists(self._tmp):
                os.remove(self._tmp)
            raise

    def write(self, frame: np.ndarray) -> None:
        if (frame.shape[1], frame.shape[0]) != self.size:
            frame = cv2.resize(frame, self.size)
        self._writer.write(frame)
        self.frames += 1

    def close(self, keep: bool = True) -> None:
        """Finish the file (``keep``) or remove the partial one."""
        if self._writer is None:
            return
        self._writer.release()
        self._writer = None
        if keep:
            os.replace(self._tmp, self.path)
        elif os.path.exists(self._tmp):
            os.remove(self._tmp)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close(keep=exc_type is None)


def _open_writer(target: str, ext: str, fps: float, size: Tuple[int, int]):
    """An opened ``cv2.VideoWriter`` writing into ``target``, or None.

    OpenCV picks the container from the file name's extension, which ``<name>.part``
    lacks: the writer opens a symlink ``<private temp dir>/video<ext>`` pointing at
    ``target``; the link is removed as soon as the file is open (the writer keeps its
    descriptor), so nothing is left in the temp dir even if the process is killed.
    """
    open(target, 'wb').close()
    link_dir = tempfile.mkdtemp(prefix='mmsport-video-')
    link = os.path.join(link_dir, 'video' + ext)
    try:
        os.symlink(os.path.abspath(target), link)
        writer = cv2.VideoWriter(link, cv2.VideoWriter_fourcc(*'mp4v'), fps, size)
    except BaseException:
        os.remove(target)
        raise
    finally:
        shutil.rmtree(link_dir, ignore_errors=True)
    if writer.isOpened():
        return writer
    os.remove(target)
    return None
