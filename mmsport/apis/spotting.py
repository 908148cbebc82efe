"""Streaming whole-half inference of window spotters (e.g. :class:`SlowFusionStacker`).

A half is decoded once, in order. Each frame is converted to grayscale,
resized and written into a ring of ``R = back + ahead + 1`` frames, where
``back = (T // 2) * step`` and ``ahead = (T - 1 - T // 2) * step`` are the
window's reach; a window centred on frame ``c`` (frames
``c + (i - T // 2) * step``, clamped to the video) is copied out as soon as
frame ``c + ahead`` arrives. Memory is the ring plus one batch of windows,
whatever the video length; only the (n_frames, C) score curve grows
(4 bytes a frame and class).

Stack reuse: a model that encodes stacks of ``k`` consecutive window frames on
their own (``encode_stacks`` / ``head_forward``, e.g. :class:`SlowFusionStacker`)
has stack ``j`` of the window centred on ``c`` made of frames ``f + m * step``
(``m < k``, clamped to the video) with ``f = c - back + j * k * step``, so the
windows centred on ``c +- k * step``, ``c +- 2 * k * step``, ... share stacks
(15 frames in stacks of 3 at step 2: up to 5 windows share each stack). The
streamer then encodes each stack once per model (:class:`StackFeatureCache`,
keyed by ``f``) and runs only the head per window; a stack is dropped once
every window that holds it is scored, so a cache holds at most
``batch_size * stride + (S - 1) * k * step`` stacks (S = T / k), whatever the
video length. Scores equal the window-by-window path (float rounding aside).
"""
from typing import Iterable, Iterator, Optional, Sequence, Tuple, Union

import cv2
import numpy as np
import torch
import torch.nn as nn
from mmengine.config import Config

from mmsport.fileio.raw_scores import (RAW_SCORES_SUFFIX, load_raw_scores,  # noqa: F401
                                       raw_scores_path, save_raw_scores)
from mmsport.fileio.soccernet import BALL_CLASSES_2023
from mmsport.models.task_modules.spotting_codecs import build_spotting_codec, evaluator_codec
from mmsport.models.task_modules.spotting_decode import centre_scores_to_curve
from mmsport.video.frame_sources import VideoFrames, prefetch

from .inference import init_model  # noqa: F401  (re-exported for the tools)


def spotting_io_settings(cfg: Config) -> dict:
    """Window settings the model was trained with, from its config.

    Read from ``cfg.test_dataloader.dataset`` (or val/train), overridden by an
    optional top-level ``inference = dict(...)``. Keys: ``num_frames``
    (default ``model.num_frames``), ``frame_step`` (2), ``input_size``
    ((w, h) or None = native resolution), ``stride`` (1), ``batch_size`` (16),
    ``classes`` (PASS, DRIVE), ``fps`` (25), ``codec`` (the built spotting
    codec of ``test_evaluator``, :class:`PeakSpottingCodec` by default;
    ``inference.codec`` overrides it).
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
                   'classes', BALL_CLASSES_2023))), fps=float(ev.get('fps', 25.0)),
               codec=evaluator_codec(ev, 'PeakSpottingCodec'))
    out.update(cfg.get('inference', {}) or {})
    out['codec'] = build_spotting_codec(out['codec'], 'PeakSpottingCodec')
    if out['input_size'] is not None:
        out['input_size'] = tuple(int(v) for v in out['input_size'])
    return out


def offers_stack_reuse(model: nn.Module, num_frames: int) -> bool:
    """Whether ``model`` splits windows of ``num_frames`` into separately encoded stacks.

    True for a model with ``encode_stacks``, ``head_forward`` and an integer
    ``stack_size`` dividing ``num_frames`` (its own ``num_frames``, if it has
    one, equal to it); e.g. ``SlowFusionStacker``, not ``EarlyFusion2D``.
    """
    k = getattr(model, 'stack_size', None)
    return (callable(getattr(model, 'encode_stacks', None))
            and callable(getattr(model, 'head_forward', None))
            and isinstance(k, int) and k > 0 and num_frames % k == 0
            and getattr(model, 'num_frames', num_frames) == num_frames)


class StackFeatureCache:
    """Encoded stacks of one model over one frame stream, keyed by first frame.

    Windows come as (B, T, h, w) uint8 arrays with their centres, in increasing
    centre order; stack ``j`` of the window centred on ``c`` is window frames
    ``j*k .. j*k + k - 1`` and has key ``c - back + j * k * step``, its first
    (unclamped) frame index. Two windows' stacks with one key hold the same
    frames (clamping to the video only ever clips at frame 0 and at the last
    frame), so each key is encoded once.

    Args:
        model: a model for which :func:`offers_stack_reuse` holds.
        num_frames: T frames per window.
        frame_step: frame gap inside a window.
        flip_tta: also encode the horizontally flipped stacks (view 1).
    """

    def __init__(self, model: nn.Module, num_frames: int, frame_step: int,
                 flip_tta: bool = False):
        self.model, self.k = model, int(model.stack_size)
        self.num_stacks = num_frames // self.k
        self.back = (num_frames // 2) * frame_step
        self.key_offsets = np.arange(self.num_stacks) * self.k * frame_step - self.back  # (S,)
        self.views = 2 if flip_tta else 1
        self.features = {}  # key -> (V, F, h, w) tensor on the model's device
        self.encoded = 0  # stacks encoded so far
        self.peak = 0  # most stacks held at once

    def keys(self, centres: np.ndarray) -> np.ndarray:
        """(B,) window centres -> (B, S) stack keys (first frame of each stack)."""
        return np.asarray(centres)[:, None] + self.key_offsets

    def encode(self, stacks: np.ndarray) -> torch.Tensor:
        """(N, k, h, w) uint8 stacks -> (N, V, F, h', w') features (view 1: flipped)."""
        x = torch.from_numpy(np.ascontiguousarray(stacks))
        x = self.model.data_preprocessor(dict(inputs=x), False)['inputs']  # (N, k, h, w)
        if self.views == 2:
            x = torch.cat([x, x.flip(-1)])  # (2N, k, h, w)
        feats = self.model.encode_stacks(x)  # (V*N, F, h', w')
        return feats.view(self.views, len(stacks), *feats.shape[1:]).transpose(0, 1)

    def add_missing(self, windows: np.ndarray, keys: np.ndarray) -> None:
        """Encode the stacks of (B, T, h, w) ``windows`` whose (B, S) ``keys`` are new."""
        new = {}  # key -> (window, stack) of its first occurrence
        for b, row in enumerate(keys.tolist()):
            for j, key in enumerate(row):
                if key not in self.features and key not in new:
                    new[key] = (b, j)
        if not new:
            return
        k = self.k
        stacks = np.stack([windows[b, j * k:(j + 1) * k] for b, j in new.values()])
        for key, feat in zip(new, self.encode(stacks)):  # feat: (V, F, h', w')
            self.features[key] = feat.clone()  # own storage: freed with its key
        self.encoded += len(new)
        self.peak = max(self.peak, len(self.features))

    def window_features(self, keys: np.ndarray) -> torch.Tensor:
        """(B, S) keys -> (V*B, F, S, h', w') head input, views major (as a flip-TTA batch)."""
        b, s = keys.shape
        feats = torch.stack([self.features[key] for key in keys.ravel().tolist()])
        v, f, h, w = feats.shape[1:]  # feats: (B*S, V, F, h', w')
        feats = feats.view(b, s, v, f, h, w).permute(2, 0, 3, 1, 4, 5)  # (V, B, F, S, h', w')
        return feats.reshape(v * b, f, s, h, w)

    def evict_before(self, centre: int) -> None:
        """Drop the stacks no window centred after ``centre`` holds (key <= centre - back)."""
        for key in [key for key in self.features if key <= centre - self.back]:
            del self.features[key]

    def probs(self, windows: np.ndarray, centres: np.ndarray) -> torch.Tensor:
        """(B, T, h, w) uint8 windows at increasing (B,) centres -> (B, C) probabilities.

        Mean over the views; stacks no later window needs are dropped after.
        """
        keys = self.keys(centres)  # (B, S)
        self.add_missing(windows, keys)
        probs = self.model.head_forward(self.window_features(keys)).float().sigmoid()
        self.evict_before(int(centres[-1]))
        return probs.view(self.views, len(windows), -1).mean(0)  # (B, C)


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
        reuse_stacks: encode each stack once per model where the model offers
            it (:func:`offers_stack_reuse`; a :class:`StackFeatureCache` per
            model and stream); False runs every window through the whole model.
    """

    def __init__(self, model: Union[nn.Module, Sequence[nn.Module]], num_frames: int,
                 frame_step: int, input_size: Optional[Tuple[int, int]] = None,
                 batch_size: int = 16, flip_tta: bool = False, stride: int = 1,
                 interpolation: int = cv2.INTER_AREA, reuse_stacks: bool = True):
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
        self.reuses = [bool(reuse_stacks) and offers_stack_reuse(m, self.num_frames)
                       for m in self.models]  # per model: stack-reusing path
        self.caches = [None] * len(self.models)  # StackFeatureCache of the last stream

    def preprocess_frame(self, frame: np.ndarray) -> np.ndarray:
        """BGR (H, W, 3) or gray (H, W) uint8 -> gray (h, w) uint8 at ``input_size``."""
        gray = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        if self.input_size is not None and (gray.shape[1], gray.shape[0]) != self.input_size:
            gray = cv2.resize(gray, self.input_size, interpolation=self.interpolation)
        return gray

    def window_probs(self, model: nn.Module, windows: np.ndarray) -> torch.Tensor:
        """Whole-model path: (B, T, h, w) uint8 windows -> (B, C) probabilities (flip mean)."""
        x = torch.from_numpy(np.ascontiguousarray(windows))
        inputs = model.data_preprocessor(dict(inputs=x), False)['inputs']  # on device
        if self.flip_tta:
            inputs = torch.cat([inputs, inputs.flip(-1)])  # (2B, T, h, w)
        probs = model(inputs, mode='tensor').float().sigmoid()  # (B or 2B, C)
        if self.flip_tta:
            probs = 0.5 * (probs[:len(windows)] + probs[len(windows):])
        return probs

    @torch.no_grad()
    def score_windows(self, windows: np.ndarray,
                      centres: Optional[np.ndarray] = None) -> np.ndarray:
        """(B, T, h, w) uint8 windows -> (B, C) float32 scores (mean over models / flips).

        With their (B,) ``centres`` (increasing over the calls of one stream,
        see :meth:`stream_centres`) the models with a stack cache reuse it;
        without, every model runs the whole window.
        """
        total = 0
        for model, cache in zip(self.models, self.caches):
            if cache is not None and centres is not None:
                total = total + cache.probs(windows, centres)
            else:
                total = total + self.window_probs(model, windows)
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
        self.caches = [StackFeatureCache(m, self.num_frames, self.frame_step, self.flip_tta)
                       if reuse else None for m, reuse in zip(self.models, self.reuses)]

        def window(c, last):
            idx = np.clip(c + self.offsets, 0, last)  # (T,)
            return ring[idx % self.ring_size]  # (T, h, w)

        def flush():
            cs = np.array(centres)
            out = (cs, self.score_windows(batch[:len(centres)], cs))
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
        for cache in self.caches:  # keep the statistics, free the features
            if cache is not None:
                cache.features.clear()
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
