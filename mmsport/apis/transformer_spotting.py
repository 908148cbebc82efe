"""Whole-half inference of per-timestep window spotters (:class:`ViViTSpotter`).

A factorised spatio-temporal transformer encodes every frame on its own, so a
half is processed in two passes that never hold its frames:

1. the frames nearest to ``t / fps`` (``timestep_frames``, the frames training
   saw) are decoded in order, ``chunk`` at a time (decord, at the training
   ``input_size``: each frame decoded once), and the spatial ViT turns them
   into one token each -> (N, D) tokens (N = timesteps of the half; 192 floats
   a timestep for ViT-tiny: 4 MB for a 45 min half at 2 fps);
2. sliding windows of T tokens every ``stride`` (the last one ending at the
   half's end, as ``SoccerNetV2ClipDataset`` slides them) go through the
   temporal transformer and head, and :func:`merge_windows` takes the max
   over overlaps, dropping ``margin`` timesteps at inner window edges.

The (N, C) result is what ``WindowSpottingMetric`` builds from the test
loop's windows; (soft-)NMS then spots.
"""
from typing import Dict, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.config import Config

from mmsport.datasets.transforms.soccer_clip_transforms import (decode_rgb, half_timesteps,
                                                                timestep_frames)
from mmsport.datasets.transforms.soccer_window_transforms import open_video
from mmsport.models.postprocess import merge_windows
from mmsport.models.task_modules.spotting_codecs import build_spotting_codec, evaluator_codec


def clip_io_settings(cfg: Config) -> Dict:
    """Window and post-processing settings of a transformer spotting config.

    Read from ``cfg.test_dataloader.dataset`` (else val/train) and
    ``cfg.test_evaluator`` (else val), overridden by a top-level
    ``inference = dict(...)``. Keys: ``fps``, ``window_seconds``,
    ``stride_seconds`` (default half the window), ``input_size`` (W, H),
    ``classes``, ``margin`` (timesteps), ``codec`` (the built spotting codec of
    ``test_evaluator``, :class:`NMSSpottingCodec` by default),
    ``batch_size`` (windows per forward pass, 4), ``chunk`` (frames per decode
    and spatial forward pass, 64).
    """
    ds = {}
    for name in ('test_dataloader', 'val_dataloader', 'train_dataloader'):
        loader = cfg.get(name)
        if isinstance(loader, dict) and isinstance(loader.get('dataset'), dict):
            ds = loader['dataset']
            break
    ev = cfg.get('test_evaluator') or cfg.get('val_evaluator') or {}
    window = float(ds.get('window_seconds', 64.0))
    out = dict(fps=float(ds.get('fps', 2.0)), window_seconds=window,
               stride_seconds=float(ds.get('stride_seconds') or window / 2),
               input_size=ds.get('input_size', (224, 224)),
               classes=tuple(ds.get('classes') or ev.get('classes') or ()),
               margin=int(ev.get('margin', 0)), batch_size=4, chunk=64,
               codec=evaluator_codec(ev, 'NMSSpottingCodec'))
    out.update(cfg.get('inference', {}) or {})
    out['codec'] = build_spotting_codec(out['codec'], 'NMSSpottingCodec')
    if out['input_size'] is not None:
        out['input_size'] = tuple(int(v) for v in out['input_size'])
    return out


SPOTTER_KEYS = ('fps', 'window_seconds', 'stride_seconds', 'input_size', 'margin', 'batch_size',
                'chunk')


def window_starts(num_timesteps: int, window: int, stride: int) -> np.ndarray:
    """Sliding-window starts over N timesteps: ``min(j * stride, N - T)``, j = 0, 1, ...

    The same starts as ``SoccerNetV2ClipDataset`` in val/test mode; one window
    at 0 when N <= T.
    """
    last = max(int(num_timesteps) - int(window), 0)
    count = -(-last // int(stride)) + 1
    return np.unique(np.minimum(np.arange(count) * int(stride), last))


class HalfSpotter:
    """Per-timestep class scores of whole videos from a :class:`ViViTSpotter`.

    ``HalfSpotter(model, **{k: io[k] for k in SPOTTER_KEYS})`` with ``io`` from
    :func:`clip_io_settings` uses a config's settings.

    Args:
        model: the spotter (eval mode is set), on its device.
        fps: timesteps per second.
        window_seconds / stride_seconds: sliding windows (timesteps are
            ``round(seconds * fps)``).
        input_size: (W, H) frames are decoded at (the training size).
        margin: timesteps dropped at inner window edges when merging.
        batch_size: windows per temporal forward pass.
        chunk: frames decoded and spatially encoded at a time.
    """

    def __init__(self, model: torch.nn.Module, fps: float = 2.0, window_seconds: float = 64.0,
                 stride_seconds: Optional[float] = None,
                 input_size: Optional[Sequence[int]] = (224, 224), margin: int = 0,
                 batch_size: int = 4, chunk: int = 64):
        self.model = model.eval()
        self.fps = float(fps)
        self.window = int(round(float(window_seconds) * self.fps))
        stride_seconds = float(window_seconds) / 2 if stride_seconds is None else stride_seconds
        self.stride = max(1, int(round(float(stride_seconds) * self.fps)))
        if self.window < 1:
            raise ValueError(f'window_seconds={window_seconds} is under one timestep')
        self.input_size = None if input_size is None else tuple(int(v) for v in input_size)
        self.margin, self.batch_size, self.chunk = int(margin), int(batch_size), int(chunk)
        self.peak_frames = 0  # most frames held at once during the last run

    @torch.no_grad()
    def frame_tokens(self, video: str) -> Tuple[np.ndarray, float, int]:
        """Spatial tokens of every timestep of a video.

        Returns:
            ``(tokens (N, D) float32, video fps, source frame count)``.

        Raises:
            SoccerNetDataError: the video cannot be opened or decoded (names it).
        """
        reader = open_video(video, self.input_size)
        n_frames, video_fps = len(reader), float(reader.get_avg_fps())
        n_t = half_timesteps(n_frames, video_fps, self.fps)
        frames = timestep_frames(0, n_t, self.fps, video_fps, n_frames)  # (N,) sorted
        device = next(self.model.parameters()).device
        tokens = []
        for lo in range(0, n_t, self.chunk):
            idx = frames[lo:lo + self.chunk]
            uniq, inv = np.unique(idx, return_inverse=True)
            rgb = decode_rgb(reader, uniq, video)[inv]  # (n, H, W, 3)
            self.peak_frames = max(self.peak_frames, len(uniq))
            x = torch.from_numpy(np.ascontiguousarray(rgb.transpose(0, 3, 1, 2)))  # (n, 3, H, W)
            x = self.model.data_preprocessor(dict(inputs=[x], data_samples=None),
                                             False)['inputs']  # (1, n, 3, H, W) normalised
            tokens.append(self.model.extract_frame_features(x.to(device))[0].float().cpu())
        del reader
        return torch.cat(tokens).numpy(), video_fps, n_frames

    @torch.no_grad()
    def score_tokens(self, tokens: np.ndarray) -> np.ndarray:
        """(N, D) tokens -> (N, C) sigmoid scores, windows merged by max."""
        n_t = len(tokens)
        device = next(self.model.parameters()).device
        starts = window_starts(n_t, min(self.window, n_t), self.stride)
        x = torch.from_numpy(np.asarray(tokens, np.float32))
        scores = []
        for lo in range(0, len(starts), self.batch_size):
            batch = torch.stack([x[s:s + self.window] for s in starts[lo:lo + self.batch_size]])
            feats = self.model.forward_temporal(batch.to(device))  # (B, T, D)
            scores += list(self.model.forward_head(feats).float().sigmoid().cpu().numpy())
        return merge_windows(scores, starts, n_t, margin=self.margin)

    def run(self, video: str) -> np.ndarray:
        """(N, C) float32 per-timestep scores of a video file (timestep t = t / fps s)."""
        tokens, _, _ = self.frame_tokens(video)
        return self.score_tokens(tokens).astype(np.float32)
