"""Pipeline steps for SoccerNet-v2 clips: decode frames or slice features, targets, pack.

Sample dicts come from ``SoccerNetV2ClipDataset``: ``video``, ``video_fps``, ``n_frames``
(source frames of the half), ``fps`` (the sampling rate), ``half_timesteps`` (timesteps
of the half at ``fps``), ``start`` (first timestep of the window), ``num_timesteps`` (T),
``num_valid`` (timesteps of the window inside the half: T unless padded), ``input_size``,
``feature_path``, ``label_timesteps``, ``label_classes``, ``num_classes``, ``label_radius``.

Timestep ``t`` of a half is the time ``t / fps`` s; its frame is the source frame
nearest to that time (:func:`timestep_frames`).
"""
import math
import os
from typing import Optional, Sequence, Tuple

import numpy as np
import torch
from mmaction.structures import ActionDataSample
from mmcv.transforms import BaseTransform

from mmsport.registry import TRANSFORMS
from mmsport.fileio.soccernet import SoccerNetDataError
from .soccer_window_transforms import _FORK_ORPHANS, LoadSoccerWindow


def half_timesteps(n_frames: int, video_fps: float, fps: float) -> int:
    """Timesteps of a half at ``fps``: the ``t >= 0`` with ``t / fps`` before its end.

    A half of ``n_frames`` frames at ``video_fps`` lasts ``n_frames / video_fps`` s, so
    this is ``ceil(n_frames * fps / video_fps)`` (750 frames at 25 fps -> 60 at 2 fps).
    """
    return max(1, int(math.ceil(n_frames * float(fps) / float(video_fps) - 1e-9)))


def timestep_frames(start: int, num: int, fps: float, video_fps: float,
                    n_frames: int) -> np.ndarray:
    """(num,) source frames nearest to the times ``t / fps`` of timesteps ``start..start+num-1``.

    Frame ``i`` shows time ``i / video_fps``; ties round up (``floor(x + 0.5)``, as
    ffmpeg's ``fps`` filter does): at 25 -> 2 fps, timestep 1 (0.5 s) is frame 13.
    Clamped to ``[0, n_frames - 1]``.
    """
    t = int(start) + np.arange(int(num), dtype=np.float64)
    frames = np.floor(t * float(video_fps) / float(fps) + 0.5).astype(np.int64)
    return np.clip(frames, 0, int(n_frames) - 1)


def clip_targets(label_timesteps: np.ndarray, label_classes: np.ndarray, start: int,
                 num_timesteps: int, num_classes: int, radius: int,
                 num_valid: Optional[int] = None) -> np.ndarray:
    """(T, C) float32 multilabel targets of a window.

    ``target[i, c]`` is 1 when an event of class ``c`` lies within ``+-radius``
    timesteps of timestep ``start + i``; rows ``i >= num_valid`` (padding past the
    half's end) are 0.

    Args:
        label_timesteps: (E,) event timesteps of the half.
        label_classes: (E,) their class indices.
        start: first timestep of the window.
        num_timesteps: T.
        num_classes: C.
        radius: label radius in timesteps (0: the event timestep only).
        num_valid: timesteps of the window inside the half; None: T.
    """
    ts = np.asarray(label_timesteps, np.int64).reshape(-1)
    cls = np.asarray(label_classes, np.int64).reshape(-1)
    start, T, radius = int(start), int(num_timesteps), int(radius)
    keep = (ts >= start - radius) & (ts < start + T + radius)
    ts, cls = ts[keep], cls[keep]
    hit = np.abs(start + np.arange(T)[:, None] - ts[None, :]) <= radius  # (T, E)
    onehot = np.zeros((ts.size, int(num_classes)), np.float32)  # (E, C)
    onehot[np.arange(ts.size), cls] = 1.0
    target = np.minimum(hit.astype(np.float32) @ onehot, 1.0)  # (T, C)
    if num_valid is not None:
        target[int(num_valid):] = 0.0
    return target


def decode_rgb(reader, indices: Sequence[int], path: str = '?') -> np.ndarray:
    """(N, H, W, 3) uint8 RGB frames ``indices`` (sorted, unique) with one ``get_batch``."""
    try:
        return reader.get_batch([int(i) for i in indices]).asnumpy()
    except Exception as e:  # DECORDError / RuntimeError
        raise SoccerNetDataError(
            f'{path}: cannot decode frames {int(indices[0])}..{int(indices[-1])} '
            f'({str(e).splitlines()[0] if str(e) else e!r})') from e


@TRANSFORMS.register_module()
class LoadSoccerClip(LoadSoccerWindow):
    """Decode a window's frames at the sampling rate (adds ``imgs`` (T, 3, H, W) uint8 RGB).

    Timestep ``t`` shows the source frame nearest to ``t / fps`` (:func:`timestep_frames`),
    decoded by decord at ``input_size`` (W, H) (None: the video's size). A window's
    frames that are not cached are decoded with one ``get_batch`` on sorted unique
    indices; an LRU cache of decoded frames (``cache_mb`` per worker) serves the
    frames that neighbouring windows share (sliding val/test windows overlap by
    ``window - stride``). Padded timesteps (past the half's end, ``pad_short``) are
    black frames. Also adds ``frame_inds`` (T,) int64 (-1 where padded).

    Shares the reader LRU and the fork/pickle safety of :class:`LoadSoccerWindow`
    (a forked or spawned worker starts with no reader and an empty cache).

    Args:
        cache_mb: decoded-frame budget per worker in MiB (0: no cache). A 64 s
            window at 2 fps and 224x224 is 19 MiB.
        max_open_videos: readers kept open per worker.
        decode_threads: decord decoder threads (keep 1 with several workers).
    """

    def __init__(self, cache_mb: float = 64.0, max_open_videos: int = 1,
                 decode_threads: int = 1):
        super().__init__(decode_span='window', cache_mb=cache_mb,
                         max_open_videos=max_open_videos, decode_threads=decode_threads)

    def load(self, video: str, n_frames: int, indices: np.ndarray,
             size: Optional[Tuple[int, int]] = None) -> np.ndarray:
        """(N, H, W, 3) uint8 RGB frames ``indices`` of ``video``, through the cache."""
        if os.getpid() != self._pid:  # forked worker: see LoadSoccerWindow.load
            _FORK_ORPHANS.extend(self._readers.values())
            self._init_state()
        uniq = np.unique(indices).tolist()
        got = {}
        for i in uniq:
            img = self._frames.get((video, size, i))
            if img is not None:
                self._frames.move_to_end((video, size, i))
                got[i] = img
        missing = np.array([i for i in uniq if i not in got], np.int64)
        if missing.size:
            frames = decode_rgb(self._reader(video, size), missing, video)  # (N, H, W, 3)
            self.stats['decoded_frames'] += len(missing)
            self.stats['decode_calls'] += 1
            for i, img in zip(missing.tolist(), frames):
                got[i] = img
                if self.cache_bytes > 0:
                    self._frames[(video, size, i)] = img
                    self._bytes += img.nbytes
            while self._frames and self._bytes > self.cache_bytes:
                self._bytes -= self._frames.popitem(last=False)[1].nbytes
        self.stats['windows'] += 1
        return np.stack([got[i] for i in np.asarray(indices).tolist()])

    def transform(self, results: dict) -> dict:
        T = int(results['num_timesteps'])
        n_valid = int(results.get('num_valid', T))
        n = int(results['n_frames'])
        inds = timestep_frames(results['start'], n_valid, results['fps'],
                               results['video_fps'], n)
        size = results.get('input_size')
        size = None if size is None else tuple(int(v) for v in size)
        imgs = self.load(results['video'], n, inds, size)  # (n_valid, H, W, 3)
        if n_valid < T:
            imgs = np.concatenate([imgs, np.zeros((T - n_valid, ) + imgs.shape[1:], imgs.dtype)])
            inds = np.concatenate([inds, np.full(T - n_valid, -1, np.int64)])
        results['imgs'] = np.ascontiguousarray(imgs.transpose(0, 3, 1, 2))  # (T, 3, H, W)
        results['frame_inds'] = inds
        return results


@TRANSFORMS.register_module()
class LoadSoccerClipFeatures(BaseTransform):
    """Slice a window of precomputed features (adds ``features`` (T, D) float32).

    Reads rows ``start .. start + num_valid - 1`` of ``feature_path`` (an ``.npy``
    of shape (N, D), one row per timestep at the sampling rate) through a
    memory map, so only those rows are read. Padded rows are 0.
    """

    def transform(self, results: dict) -> dict:
        path = results.get('feature_path')
        if path is None:
            raise SoccerNetDataError(f'{results.get("video", "?")}: no feature file for this '
                                     f'sample (set feature_dir on the dataset)')
        T = int(results['num_timesteps'])
        n_valid, start = int(results.get('num_valid', T)), int(results['start'])
        try:
            feats = np.load(path, mmap_mode='r')
        except (OSError, ValueError) as e:
            raise SoccerNetDataError(f'{path}: cannot be read as an .npy array ({e})') from e
        x = np.array(feats[start:start + n_valid], np.float32)  # a copy: the map is read-only
        if feats.ndim != 2 or x.shape[0] != n_valid:
            raise SoccerNetDataError(f'{path}: shape {feats.shape} has no rows '
                                     f'{start}..{start + n_valid - 1} (expected (N, D))')
        if not np.isfinite(x).all():  # would turn the loss into NaN without a word
            r = int(np.argwhere(~np.isfinite(x))[0][0])
            raise SoccerNetDataError(f'{path}: row {start + r} has a non-finite feature '
                                     f'value ({int((~np.isfinite(x)).sum())} in rows '
                                     f'{start}..{start + n_valid - 1})')
        if n_valid < T:
            x = np.concatenate([x, np.zeros((T - n_valid, x.shape[1]), np.float32)])
        results['features'] = x
        return results


@TRANSFORMS.register_module()
class SoccerClipTargets(BaseTransform):
    """Add ``gt_label`` (T, C) float32 multilabel targets (see :func:`clip_targets`).

    Args:
        label_radius_seconds: override of the sample's ``label_radius``; converted
            to ``round(seconds * fps)`` timesteps.
    """

    def __init__(self, label_radius_seconds: Optional[float] = None):
        self.label_radius_seconds = label_radius_seconds

    def transform(self, results: dict) -> dict:
        radius = results['label_radius'] if self.label_radius_seconds is None else \
            int(round(float(self.label_radius_seconds) * float(results['fps'])))
        T = int(results['num_timesteps'])
        results['gt_label'] = clip_targets(
            results['label_timesteps'], results['label_classes'], results['start'], T,
            results['num_classes'], radius, results.get('num_valid', T))
        return results


@TRANSFORMS.register_module()
class PackSoccerClipInputs(BaseTransform):
    """Pack to ``inputs`` and an ``ActionDataSample``.

    ``inputs`` is ``imgs`` (T, 3, H, W) uint8 or ``features`` (T, D) float32 as a
    tensor (``input_key``; None: ``imgs`` when present, else ``features``). With
    frames as inputs, features present in the sample go to the data sample as
    ``gt_features`` (T, D) float32 (the distillation target; ``features`` is
    taken by mmaction's ``ActionDataSample``).
    The data sample holds ``gt_label`` (T, C) float32 (when targets were made),
    ``valid_mask`` (T,) bool (False on padding past the half's end), and the
    ``meta_keys`` present in the sample as metainfo.
    """

    def __init__(self, input_key: Optional[str] = None,
                 meta_keys: Sequence[str] = ('game', 'half', 'start', 'fps', 'num_timesteps',
                                             'num_valid', 'half_timesteps', 'video')):
        if input_key not in (None, 'imgs', 'features'):
            raise ValueError(f"input_key must be None, 'imgs' or 'features', got {input_key!r}")
        self.input_key = input_key
        self.meta_keys = tuple(meta_keys)

    def transform(self, results: dict) -> dict:
        key = self.input_key or ('imgs' if 'imgs' in results else 'features')
        if key not in results:
            raise KeyError(f'PackSoccerClipInputs: no {key!r} in the sample (add '
                           f'LoadSoccerClip or LoadSoccerClipFeatures before it)')
        inputs = torch.from_numpy(np.ascontiguousarray(results[key]))
        sample = ActionDataSample()
        if 'gt_label' in results:
            sample.set_gt_label(torch.as_tensor(results['gt_label'], dtype=torch.float32))
        if key == 'imgs' and 'features' in results:
            sample.set_field(torch.from_numpy(np.ascontiguousarray(results['features'])),
                             'gt_features')
        T = int(results['num_timesteps'])
        sample.set_field(torch.arange(T) < int(results.get('num_valid', T)), 'valid_mask')
        meta = {k: results[k] for k in self.meta_keys if k in results}
        for k in ('half', 'start', 'num_timesteps', 'num_valid', 'half_timesteps'):
            if k in meta:
                meta[k] = int(meta[k])
        if 'fps' in meta:
            meta['fps'] = float(meta['fps'])
        sample.set_metainfo(meta)
        return dict(inputs=inputs, data_samples=sample)


@TRANSFORMS.register_module()
class SoccerClipToImage(BaseTransform):
    """One frame of a decoded clip as an image (the self-supervised spatial stage).

    Takes ``imgs`` (T, 3, H, W) uint8 RGB from :class:`LoadSoccerClip` and sets
    ``img`` (H, W, 3) uint8 RGB (frame ``index``; a one-timestep window in
    practice), ``img_shape`` and ``ori_shape``, as mmpretrain's image
    transforms (``MultiView``, ``RandomResizedCrop`` ...) and ``PackInputs``
    expect. ``imgs`` is removed.
    """

    def __init__(self, index: int = 0):
        self.index = int(index)

    def transform(self, results: dict) -> dict:
        imgs = results.pop('imgs')
        img = np.ascontiguousarray(imgs[self.index].transpose(1, 2, 0))  # (H, W, 3)
        results.update(img=img, img_shape=img.shape[:2], ori_shape=img.shape[:2])
        return results
