"""Variants of labelled ball-tracking rallies that stand in for other sources.

A tracker trained on one broadcast meets other framings, resolutions, frame rates and
encoders. From a ``<stem>.mp4`` + ``<stem>.csv`` rally (the video + normalised CSV
layout) these functions write the same rally as such a source would show it, with
labels transformed to match, in the same layout:

* ``crop43``: the centre 4:3 part of the frame (e.g. 960x720 of 1280x720);
* ``upsample``: resized to ``size`` (e.g. 2048x1536 after ``crop43``: a high-resolution
  4:3 camera, the ball proportionally larger in pixels);
* ``fps120``: 4x the frame rate, new frames blended linearly between neighbours and
  visible positions interpolated (frames next to an invisible one keep "not visible");
* ``reencode``: H.264 at a high CRF (strong compression artefacts).

Positions are written normalised to the new frame, ``Frame,Ball,x,y`` (x = y = -1 when
not visible, or when a crop cuts the ball out). Frames are streamed, so memory stays
flat whatever the rally's length.
"""
import os
from typing import Iterator, Optional, Sequence, Tuple

import cv2
import numpy as np

from mmsport.fileio.ball_tracking import BallClip, read_clip_labels
from mmsport.utils.atomic import atomic_open

VARIANTS = ('crop43', 'upsample', 'fps120', 'reencode')


def _frames(path: str) -> Iterator[np.ndarray]:
    from mmsport.video.frame_sources import open_frames
    yield from open_frames(path)


def _write_labels(path: str, labels: np.ndarray, size: Tuple[int, int]) -> None:
    w, h = size
    with atomic_open(path, 'w') as f:
        f.write('Frame,Ball,x,y\n')
        for i, (code, x, y) in enumerate(labels):
            if code:
                f.write(f'{i},1,{x / w:.5f},{y / h:.5f}\n')
            else:
                f.write(f'{i},0,-1,-1\n')


class _H264Writer:
    """H.264 (libx264 through imageio-ffmpeg) at a given CRF, written under ``.part``."""

    def __init__(self, path: str, size: Tuple[int, int], fps: float, crf: int = 18):
        import imageio_ffmpeg
        self.path, self.tmp = path, path + '.part'
        self.gen = imageio_ffmpeg.write_frames(
            self.tmp, size, fps=fps, codec='libx264', macro_block_size=1,
            output_params=['-crf', str(crf), '-pix_fmt', 'yuv420p', '-f', 'mp4'],
            ffmpeg_log_level='error')
        self.gen.send(None)

    def write(self, frame_bgr: np.ndarray) -> None:
        self.gen.send(np.ascontiguousarray(frame_bgr[:, :, ::-1]))

    def close(self, keep: bool = True) -> None:
        self.gen.close()
        if keep:
            os.replace(self.tmp, self.path)
        elif os.path.exists(self.tmp):
            os.remove(self.tmp)


def make_variant(video: str, labels_csv: str, out_dir: str, variant: str,
                 size: Optional[Sequence[int]] = None, crf: int = 35) -> str:
    """Write ``<out_dir>/<stem>.mp4`` + ``.csv``: the rally as the ``variant`` source shows it.

    Args:
        video, labels_csv: the rally (``video_csv`` layout).
        out_dir: where the variant goes (same stem).
        variant: one of :data:`VARIANTS`.
        size: (W, H) of ``upsample`` (default 2048x1536).
        crf: H.264 CRF of ``reencode`` (the others use 18, near lossless).

    Returns:
        the new video's path.
    """
    if variant not in VARIANTS:
        raise ValueError(f'unknown variant {variant!r}; one of {VARIANTS}')
    from mmsport.video.frame_cache import probe_video
    (w, h), _, fps = probe_video(video)
    clip = BallClip(os.path.splitext(os.path.basename(video))[0], video, labels_csv,
                    'video_csv')
    gt = read_clip_labels(clip, (w, h)).astype(np.float64)
    os.makedirs(out_dir, exist_ok=True)
    stem = os.path.splitext(os.path.basename(video))[0]
    out_video = os.path.join(out_dir, stem + '.mp4')
    if variant == 'crop43':
        cw = min(w, int(round(h * 4 / 3)) // 2 * 2)
        x0 = (w - cw) // 2
        new_size, new_fps = (cw, h), fps
        labels = gt.copy()
        labels[:, 1] -= x0
        out = (labels[:, 0] != 0) & ~((labels[:, 1] >= 0) & (labels[:, 1] < cw))
        labels[out] = (0, -1, -1)
        frames = (f[:, x0:x0 + cw] for f in _frames(video))
    elif variant == 'upsample':
        new_size = tuple(int(v) for v in (size or (2048, 1536)))
        sx, sy = new_size[0] / w, new_size[1] / h
        labels = gt.copy()
        on = labels[:, 0] != 0
        labels[on, 1] = (labels[on, 1] + 0.5) * sx - 0.5
        labels[on, 2] = (labels[on, 2] + 0.5) * sy - 0.5
        new_fps = fps
        frames = (cv2.resize(f, new_size, interpolation=cv2.INTER_CUBIC) for f in _frames(video))
    elif variant == 'fps120':
        new_size, new_fps = (w, h), fps * 4
        labels = _interpolate_labels(gt, 4)
        frames = _blend_frames(_frames(video), 4)
    else:  # reencode
        new_size, new_fps, labels = (w, h), fps, gt
        frames = _frames(video)
    writer = _H264Writer(out_video, new_size, new_fps, crf if variant == 'reencode' else 18)
    n = 0
    try:
        for frame in frames:
            writer.write(frame)
            n += 1
    except BaseException:
        writer.close(keep=False)
        raise
    writer.close()
    if n != len(labels):
        raise RuntimeError(f'{video}: wrote {n} frames for {len(labels)} label rows')
    _write_labels(os.path.join(out_dir, stem + '.csv'), labels, new_size)
    return out_video


def _interpolate_labels(gt: np.ndarray, k: int) -> np.ndarray:
    """Labels at ``k`` times the rate: frame ``k*i + j`` lies ``j/k`` of the way from frame
    ``i`` to ``i + 1``; visible only where both ends are (the last frame is held)."""
    n = len(gt)
    out = np.zeros((n * k, 3))
    for i in range(n):
        a, b = gt[i], gt[min(i + 1, n - 1)]
        for j in range(k):
            t = j / k
            if j == 0:
                out[k * i] = a if a[0] else (0, -1, -1)
            elif a[0] and b[0]:
                out[k * i + j] = (1, a[1] + t * (b[1] - a[1]), a[2] + t * (b[2] - a[2]))
            else:
                out[k * i + j] = (0, -1, -1)
    return out


def _blend_frames(frames: Iterator[np.ndarray], k: int) -> Iterator[np.ndarray]:
    """``k`` frames per source frame, blended linearly towards the next one."""
    prev = None
    for frame in frames:
        if prev is not None:
            for j in range(k):
                yield cv2.addWeighted(prev, 1 - j / k, frame, j / k, 0)
        prev = frame
    if prev is not None:
        for _ in range(k):
            yield prev
