"""Pipeline steps for ball-action windows: decode (cached), target, flip, pack.

Sample dicts come from ``SoccerNetBallDataset``: ``video``, ``n_frames``,
``frame`` (centre), ``num_frames``, ``frame_step``, ``input_size``,
``label_frames``, ``label_classes``, ``num_classes``, ``positive_window``.
"""
import logging
import os
from collections import OrderedDict
from typing import Optional, Sequence, Tuple

import cv2
import numpy as np
import torch
from mmaction.structures import ActionDataSample
from mmcv.transforms import BaseTransform
from mmengine.logging import print_log

from mmsport.registry import TRANSFORMS
from mmsport.fileio.soccernet import SoccerNetDataError

_FORK_ORPHANS = []  # decord readers inherited through fork, kept alive (see LoadSoccerWindow)


def window_indices(frame: int, num_frames: int, frame_step: int, n_frames: int) -> np.ndarray:
    """(T,) frame indices ``frame + (i - T // 2) * frame_step`` clamped to [0, n_frames - 1]."""
    offsets = (np.arange(num_frames) - num_frames // 2) * frame_step
    return np.clip(int(frame) + offsets, 0, n_frames - 1).astype(np.int64)


def window_target(label_frames: np.ndarray, label_classes: np.ndarray, frame: int,
                  num_classes: int, positive_window: int) -> np.ndarray:
    """(C,) float32 multi-hot: class c is 1 if a c action lies within +-positive_window // 2."""
    target = np.zeros(num_classes, np.float32)
    hit = np.abs(np.asarray(label_frames, np.int64) - int(frame)) <= positive_window // 2
    target[np.asarray(label_classes, np.int64)[hit]] = 1.0
    return target


class _Frames:
    """Decoded frames with decord's ``NDArray.asnumpy()`` accessor."""

    def __init__(self, array: np.ndarray):
        self.array = array

    def asnumpy(self) -> np.ndarray:
        return self.array


class ResizedVideoReader:
    """A decord reader at the video's own size whose frames are resized with
    OpenCV (``INTER_AREA``) to ``size`` (W, H): what :func:`open_video` returns
    for the output sizes decord cannot produce. ``get_batch`` returns an object
    with ``asnumpy()`` -> (N, H, W, 3) uint8, as decord's does; the rest
    (``len``, ``get_avg_fps``, ``get_key_indices``, ``seek``) is the reader's.
    """

    def __init__(self, reader, size: Sequence[int]):
        self.reader, self.size = reader, (int(size[0]), int(size[1]))

    def __len__(self) -> int:
        return len(self.reader)

    def __getattr__(self, name):
        if name == 'reader':  # not set yet (e.g. while unpickling)
            raise AttributeError(name)
        return getattr(self.reader, name)

    def get_batch(self, indices: Sequence[int]) -> _Frames:
        frames = self.reader.get_batch(indices).asnumpy()  # (N, H0, W0, 3)
        return _Frames(np.stack([cv2.resize(f, self.size, interpolation=cv2.INTER_AREA)
                                 for f in frames]))


_DECORD_SIZE_OK = {}  # (path, W, H) -> whether decord decodes that video at that size


def _decord_reader(path: str, w: int, h: int, num_threads: int):
    import decord
    try:
        return decord.VideoReader(path, width=w, height=h, num_threads=num_threads)
    except Exception as e:  # DECORDError / RuntimeError
        raise SoccerNetDataError(f'{path}: cannot be opened as a video '
                                 f'({str(e).splitlines()[0] if str(e) else e!r})') from e


def open_video(path: str, size: Optional[Sequence[int]] = None, num_threads: int = 1):
    """A reader of ``path`` decoding at ``size`` (W, H) (None: the video's size).

    A decord ``VideoReader``, or, where decord cannot produce that size (it fails
    on some small widths, e.g. 16, 24, 48, 72 px: "DECORDArrayCopyFromTo: The size
    must exactly match"), a :class:`ResizedVideoReader` (decode at the video's size,
    resize with OpenCV), with a warning. With a ``size`` frame 0 is decoded to find
    out, once per (video, size) and process; a video that cannot be opened or decoded
    raises :class:`SoccerNetDataError` naming it.
    """
    if size is None:
        return _decord_reader(path, -1, -1, num_threads)
    w, h = int(size[0]), int(size[1])
    known = _DECORD_SIZE_OK.get((path, w, h))
    if known is not False:
        reader = _decord_reader(path, w, h, num_threads)
        if known:
            return reader
        try:
            reader.get_batch([0])
            reader.seek(0)
            _DECORD_SIZE_OK[(path, w, h)] = True
            return reader
        except Exception as e:  # DECORDError / RuntimeError
            cause = str(e).splitlines()[0] if str(e) else repr(e)
        del reader
    native = _decord_reader(path, -1, -1, num_threads)
    if known is None:
        try:
            native.get_batch([0])
            native.seek(0)
        except Exception as e:
            raise SoccerNetDataError(f'{path}: cannot decode frame 0 '
                                     f'({str(e).splitlines()[0] if str(e) else e!r})') from e
        _DECORD_SIZE_OK[(path, w, h)] = False
        print_log(f'{path}: decord cannot decode at {w}x{h} ({cause}); decoding at the '
                  'video size and resizing with OpenCV', logger='current', level=logging.WARNING)
    return ResizedVideoReader(native, (w, h))


def decode_gray(reader, indices: Sequence[int], path: str = '?') -> np.ndarray:
    """(N, H, W) uint8 gray (BT.601 luma of decord's RGB) frames of sorted ``indices``."""
    try:
        rgb = reader.get_batch([int(i) for i in indices]).asnumpy()  # (N, H, W, 3)
    except Exception as e:
        raise SoccerNetDataError(
            f'{path}: cannot decode frames {int(indices[0])}..{int(indices[-1])} '
            f'({str(e).splitlines()[0] if str(e) else e!r})') from e
    n, h, w, _ = rgb.shape
    gray = cv2.cvtColor(rgb.reshape(n * h, w, 3), cv2.COLOR_RGB2GRAY)
    return gray.reshape(n, h, w)


def chunk_bounds(key_indices: Sequence[int], n_frames: int, chunk_size: int) -> np.ndarray:
    """Chunk starts (K + 1,), ``n_frames`` last: every keyframe, then every
    ``chunk_size`` frames within its GOP (a chunk never straddles a keyframe)."""
    keys = np.unique(np.concatenate([[0], np.asarray(key_indices, np.int64)]))
    keys = keys[keys < n_frames]
    ends = np.append(keys[1:], n_frames)
    starts = np.concatenate([np.arange(s, e, chunk_size) for s, e in zip(keys, ends)])
    return np.append(starts, n_frames).astype(np.int64)


@TRANSFORMS.register_module()
class LoadSoccerWindow(BaseTransform):
    """Decode the window's T gray frames (adds ``imgs`` (T, H, W) uint8, ``frame_inds``).

    Each worker keeps its last video(s) open (LRU of ``max_open_videos`` readers)
    and an LRU cache of decoded frames (``cache_mb``; approximate: frames
    decoded together share one buffer until all are evicted). A window's
    missing frames are decoded with one ``get_batch`` on sorted unique indices
    (decord decodes forward without seeking when they follow the last decoded
    frame), so windows close in time -- val windows overlap by T - 1 frames,
    the action-weighted sampler keeps returning around the same actions -- do
    not decode a frame twice while it is cached. ``decode_span`` says what a
    miss decodes:

    * ``'window'``: only the window's missing frames (never more decoding than
      a plain per-window reader, minus its open/seek);
    * ``'chunk'``: every frame of the keyframe-aligned chunks (at most
      ``chunk_size`` frames, see :func:`chunk_bounds`) holding them: the
      decoder passes most of them anyway, and later windows nearby hit;
    * ``'auto'``: ``'chunk'`` while every frame of the videos this worker has
      seen fits in the cache (they will be reused), else ``'window'``.

    A forked worker drops what it inherited (decord readers are not fork-safe).

    Args:
        decode_span: ``'auto'``, ``'chunk'`` or ``'window'``.
        chunk_size: max frames per chunk.
        cache_mb: decoded-frame budget per worker in MiB (0: no cache).
        max_open_videos: readers kept open per worker. 1 (the last video's):
            after each ``get_batch`` a decord reader keeps decoding ahead on a
            background thread, which costs more CPU than reopening when
            windows hop between videos.
        decode_threads: decord decoder threads (keep 1 with several workers).
    """

    def __init__(self, decode_span: str = 'auto', chunk_size: int = 32,
                 cache_mb: float = 512.0, max_open_videos: int = 1, decode_threads: int = 1):
        if decode_span not in ('auto', 'chunk', 'window'):
            raise ValueError(f"decode_span must be 'auto', 'chunk' or 'window', got "
                             f'{decode_span!r}')
        self.decode_span = decode_span
        self.chunk_size = max(1, int(chunk_size))
        self.cache_bytes = int(cache_mb * 2 ** 20)
        self.max_open_videos = max(1, int(max_open_videos))
        self.decode_threads = int(decode_threads)
        self._init_state()

    def _init_state(self):
        self._readers, self._frames, self._bounds, self._bytes = \
            OrderedDict(), OrderedDict(), {}, 0
        self._seen = {}  # (video, size) -> bytes of all its frames
        self._pid = os.getpid()
        self.stats = dict(windows=0, decoded_frames=0, decode_calls=0)

    def __getstate__(self):  # readers do not pickle; workers start with empty caches
        state = self.__dict__.copy()
        for k in ('_readers', '_frames', '_bounds', '_bytes', '_seen', '_pid', 'stats'):
            state.pop(k)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._init_state()

    def _reader(self, video: str, size: Optional[Tuple[int, int]]):
        key = (video, size)
        if key in self._readers:
            self._readers.move_to_end(key)
        else:
            self._readers[key] = open_video(video, size, self.decode_threads)
            while len(self._readers) > self.max_open_videos:
                self._readers.popitem(last=False)
        return self._readers[key]

    def _to_decode(self, video: str, size, n_frames: int, missing: np.ndarray) -> np.ndarray:
        """Sorted frame indices a miss decodes: ``missing`` or their whole chunks."""
        span = self.decode_span
        if span == 'auto':  # a video's first miss: its frame size is not known yet
            span = 'chunk' if (video, size) in self._seen and \
                sum(self._seen.values()) <= self.cache_bytes else 'window'
        if span == 'window':
            return missing
        if video not in self._bounds:
            try:
                keys = self._reader(video, size).get_key_indices()
            except Exception:  # no index: fixed-size chunks
                keys = []
            self._bounds[video] = chunk_bounds(keys, n_frames, self.chunk_size)
        bounds = self._bounds[video]
        cids = np.unique(np.searchsorted(bounds, missing, side='right') - 1)
        return np.concatenate([np.arange(bounds[c], bounds[c + 1]) for c in cids])

    def load(self, video: str, n_frames: int, indices: np.ndarray,
             size: Optional[Tuple[int, int]] = None) -> np.ndarray:
        """(T, H, W) uint8 gray frames ``indices`` of ``video``, through the cache."""
        if os.getpid() != self._pid:  # forked worker: decoder state is not fork-safe;
            _FORK_ORPHANS.extend(self._readers.values())  # never destroy them here: the
            self._init_state()  # destructor joins a decoder thread the fork does not have
        got = {}
        for i in np.unique(indices).tolist():
            img = self._frames.get((video, size, i))
            if img is not None:
                self._frames.move_to_end((video, size, i))
                got[i] = img
        missing = np.array([i for i in np.unique(indices).tolist() if i not in got], np.int64)
        if missing.size:
            idx = self._to_decode(video, size, n_frames, missing)
            frames = decode_gray(self._reader(video, size), idx, video)  # (N, H, W)
            self._seen.setdefault((video, size), n_frames * frames[0].nbytes)
            self.stats['decoded_frames'] += len(idx)
            self.stats['decode_calls'] += 1
            for i, img in zip(idx.tolist(), frames):
                got.setdefault(i, img)
                if self.cache_bytes > 0:
                    self._frames[(video, size, i)] = img
                    self._bytes += img.nbytes
            while self._frames and self._bytes > self.cache_bytes:
                self._bytes -= self._frames.popitem(last=False)[1].nbytes
        self.stats['windows'] += 1
        return np.stack([got[i] for i in indices.tolist()])

    def transform(self, results: dict) -> dict:
        n = int(results['n_frames'])
        inds = window_indices(results['frame'], int(results['num_frames']),
                              int(results['frame_step']), n)
        size = results.get('input_size')
        size = None if size is None else tuple(int(v) for v in size)
        results['imgs'] = self.load(results['video'], n, inds, size)  # (T, H, W)
        results['frame_inds'] = inds
        return results


@TRANSFORMS.register_module()
class SoccerWindowTarget(BaseTransform):
    """Add ``gt_label`` (C,) float32 multi-hot of the centre frame (see :func:`window_target`).

    Args:
        positive_window: override of the sample's ``positive_window``.
    """

    def __init__(self, positive_window: Optional[int] = None):
        self.positive_window = positive_window

    def transform(self, results: dict) -> dict:
        pw = self.positive_window or results['positive_window']
        results['gt_label'] = window_target(results['label_frames'], results['label_classes'],
                                            results['frame'], results['num_classes'], int(pw))
        return results


@TRANSFORMS.register_module()
class RandomHorizontalFlipWindow(BaseTransform):
    """Flip every frame of ``imgs`` (T, H, W) left-right with probability ``prob``."""

    def __init__(self, prob: float = 0.5):
        self.prob = prob

    def transform(self, results: dict) -> dict:
        flip = bool(np.random.rand() < self.prob)
        if flip:
            results['imgs'] = np.ascontiguousarray(results['imgs'][:, :, ::-1])
        results['flip'] = flip
        return results


@TRANSFORMS.register_module()
class PackSoccerWindowInputs(BaseTransform):
    """Pack to ``inputs`` (T, H, W) uint8 tensor and an ``ActionDataSample``.

    ``gt_label`` is set as a float32 *tensor* (C,) (a numpy array would be cast
    to long); ``meta_keys`` present in the sample go to its metainfo.
    """

    def __init__(self, meta_keys: Sequence[str] = ('game', 'half', 'frame', 'video',
                                                   'n_frames', 'flip')):
        self.meta_keys = tuple(meta_keys)

    def transform(self, results: dict) -> dict:
        inputs = torch.from_numpy(np.ascontiguousarray(results['imgs']))  # (T, H, W) uint8
        sample = ActionDataSample()
        if 'gt_label' in results:
            sample.set_gt_label(torch.as_tensor(results['gt_label'], dtype=torch.float32))
        meta = {k: results[k] for k in self.meta_keys if k in results}
        for k in ('half', 'frame', 'n_frames'):
            if k in meta:
                meta[k] = int(meta[k])
        sample.set_metainfo(meta)
        return dict(inputs=inputs, data_samples=sample)
