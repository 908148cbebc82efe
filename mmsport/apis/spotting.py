"""Streaming whole-half inference of window spotters (e.g. :class:`SlowFusionStacker`).

A half is decoded once, in order. Each frame is converted to grayscale,
resized and written into a ring of ``R = back + ahead + 1`` frames, where
``back = (T // 2) * step`` and ``ahead = (T - 1 - T // 2) * step`` are the
window's reach; a window centred on frame ``c`` (frames
``c + (i - T // 2) * step``, clamped to the video) is copied out as soon as
frame ``c + ahead`` arrives. Memory is the ring plus one batch of windows,
whatever the video length; only the (n_frames, C) score curve grows
(4 bytes a frame and class).
"""
from typing import Iterable, Iterator, Optional, Sequence, Tuple, Union

import cv2
import numpy as np
import torch
import torch.nn as nn
from mmengine.config import Config

from mmsport.fileio.raw_scores import (RAW_SCORES_SUFFIX, load_raw_scores,  # noqa: F401
                                       raw_scores_path, save_raw_scores)
from mmsport.models.task_modules.spotting_decode import centre_scores_to_curve

from .inference import init_model  # noqa: F401  (re-exported for the tools)
from .video_io import VideoFrames, prefetch


def spotting_io_settings(cfg: Config) -> dict:
    """Window settings the model was trained with, from its config.

    Read from ``cfg.test_dataloader.dataset`` (or val/train), overridden by an
    optional top-level ``inference = dict(...)``. Keys: ``num_frames``
    (default ``model.num_frames``), ``frame_step`` (2), ``input_size``
    ((w, h) or None = native resolution), ``stride`` (1), ``batch_size`` (16),
    ``classes`` (PASS, DRIVE), ``fps`` (25), ``postprocess`` (peak_spotting
    kwargs, from ``test_evaluator.postprocess``).
    """
    ds = {}
    for name in ('test_dataloader', 'val_dataloader', 'train_dataloader'):
        loader = cfg.get(name)
        if isinstance(loader, dict) and isinstance(loader.get('dataset'), dict):
            ds = loader['dataset']
            break
    ev = cfg.get('test_evaluator', cfg.get('val_evaluator', {}))
    ev = ev if isinstance(ev, dict) else {}
    out = dict(num_frames=ds.get('num_frames', cfg.model.get('num_frames', 15)),
               frame_step=ds.get('frame_step', 2), input_size=ds.get('input_size'),
               stride=1, batch_size=16, classes=tuple(ds.get('classes', ev.get(
                   'classes', ('PASS', 'DRIVE')))), fps=float(ev.get('fps', 25.0)),
               postprocess=dict(ev.get('postprocess') or dict(sigma=3.0, height=0.2,
                                                              distance=15)))
    out.update(cfg.get('inference', {}) or {})
    if out['input_size'] is not None:
        out['input_size'] = tuple(int(v) for v in out['input_size'])
    return out


class SpottingStreamer:
    """Per-frame class scores of a whole video from a window model, in one decode.

    Args:
        model: a window spotter taking (B, T, H, W) (through its
            ``data_preprocessor``) and returning (B, C) logits in 'tensor'
            mode, or a list of such models (scores averaged: folds).
        num_frames: T frames per window.
        frame_step: frame gap inside a window.
        input_size: (w, h) the model takes; None keeps the native size.
        batch_size: windows per forward pass.
        flip_tta: also score the horizontally flipped windows; mean of both.
        stride: windows are centred on every ``stride``-th frame (and the last
            frame); frames between centres are interpolated.
        interpolation: cv2 resize interpolation (match the training pipeline).
    """

    def __init__(self, model: Union[nn.Module, Sequence[nn.Module]], num_frames: int,
                 frame_step: int, input_size: Optional[Tuple[int, int]] = None,
                 batch_size: int = 16, flip_tta: bool = False, stride: int = 1,
                 interpolation: int = cv2.INTER_AREA):
        self.models = list(model) if isinstance(model, (list, tuple)) else [model]
        self.num_frames, self.frame_step = int(num_frames), int(frame_step)
        self.input_size = tuple(input_size) if input_size is not None else None
        self.batch_size, self.flip_tta = int(batch_size), bool(flip_tta)
        self.stride, self.interpolation = max(1, int(stride)), interpolation
        self.back = (self.num_frames // 2) * self.frame_step
        self.ahead = (self.num_frames - 1 - self.num_frames // 2) * self.frame_step
        self.ring_size = self.back + self.ahead + 1
        self.offsets = (np.arange(self.num_frames) - self.num_frames // 2) * self.frame_step
        self.buffer_bytes = 0  # ring + batch bytes of the last run (bounded)
        self.n_frames = 0  # frames of the last stream

    def preprocess_frame(self, frame: np.ndarray) -> np.ndarray:
        """BGR (H, W, 3) or gray (H, W) uint8 -> gray (h, w) uint8 at ``input_size``."""
        gray = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        if self.input_size is not None and (gray.shape[1], gray.shape[0]) != self.input_size:
            gray = cv2.resize(gray, self.input_size, interpolation=self.interpolation)
        return gray

    @torch.no_grad()
    def score_windows(self, windows: np.ndarray) -> np.ndarray:
        """(B, T, h, w) uint8 windows -> (B, C) float32 scores (mean over models / flips)."""
        x = torch.from_numpy(np.ascontiguousarray(windows))
        total = 0
        for model in self.models:
            inputs = model.data_preprocessor(dict(inputs=x), False)['inputs']  # on device
            if self.flip_tta:
                inputs = torch.cat([inputs, inputs.flip(-1)])  # (2B, T, h, w)
            probs = model(inputs, mode='tensor').float().sigmoid()  # (B or 2B, C)
            if self.flip_tta:
                probs = 0.5 * (probs[:len(windows)] + probs[len(windows):])
            total = total + probs
        return (total / len(self.models)).cpu().numpy().astype(np.float32)

    def stream_centres(self, frames: Iterable[np.ndarray]
                       ) -> Iterator[Tuple[np.ndarray, np.ndarray]]:
        """Score windows over a frame stream.

        Args:
            frames: BGR (H, W, 3) or gray (H, W) uint8 frames, each read once.

        Yields:
            ``(centres (B,), scores (B, C))`` batches in frame order. When the
            stream is exhausted, ``self.n_frames`` holds its number of frames.
        """
        ring = batch = None
        centres = []
        n = 0

        def window(c, last):
            idx = np.clip(c + self.offsets, 0, last)  # (T,)
            return ring[idx % self.ring_size]  # (T, h, w)

        def flush():
            out = (np.array(centres), self.score_windows(batch[:len(centres)]))
            centres.clear()
            return out

        for frame in frames:
            small = self.preprocess_frame(frame)
            if ring is None:
                ring = np.empty((self.ring_size, *small.shape), np.uint8)
                batch = np.empty((self.batch_size, self.num_frames, *small.shape), np.uint8)
                self.buffer_bytes = ring.nbytes + batch.nbytes
            elif small.shape != ring.shape[1:]:
                raise ValueError(f'frame {n} has size {frame.shape[:2]}, unlike frame 0')
            ring[n % self.ring_size] = small
            c = n - self.ahead
            if c >= 0 and c % self.stride == 0:
                batch[len(centres)] = window(c, n)
                centres.append(c)
                if len(centres) == self.batch_size:
                    yield flush()
            n += 1
        if n == 0:
            raise ValueError('no frame in the stream')
        for c in range(max(0, n - self.ahead), n):  # windows past the end: clamp to it
            if c % self.stride == 0 or c == n - 1:
                batch[len(centres)] = window(c, n - 1)
                centres.append(c)
                if len(centres) == self.batch_size:
                    yield flush()
        if centres:
            yield flush()
        self.n_frames = n

    def run_frames(self, frames: Iterable[np.ndarray]) -> np.ndarray:
        """(n_frames, C) float32 scores of a frame stream (interpolated between centres)."""
        all_c, all_s = [], []
        for centres, scores in self.stream_centres(frames):
            all_c.append(centres)
            all_s.append(scores)
        return centre_scores_to_curve(np.concatenate(all_c), np.concatenate(all_s),
                                      self.n_frames)

    def run(self, video: str, prefetch_frames: int = 16) -> np.ndarray:
        """(n_frames, C) float32 scores of a video file (decoded once, with OpenCV).

        Raises:
            VideoReadError: the video cannot be opened, decodes no frame or is
                truncated (fewer frames than its header declares).
        """
        return self.run_frames(prefetch(VideoFrames(video), maxsize=prefetch_frames))
