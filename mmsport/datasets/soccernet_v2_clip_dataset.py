"""SoccerNet-v2 action spotting clips: windows of a half sampled at a reduced rate.

A half of ``n_frames`` source frames at ``video_fps`` has ``N = ceil(n_frames * fps /
video_fps)`` timesteps at the sampling rate ``fps`` (2 by default); timestep ``t`` is
the time ``t / fps`` s. A *window* is ``T = round(window_seconds * fps)`` consecutive
timesteps from a ``start`` timestep. Events of ``Labels-v2.json`` are at timestep
``position_to_frame(position, fps)`` (the SoccerNet reading of a position, at ``fps``).

The dataset is an index only (one entry per half, one flat id per window); the
pipeline decodes frames (``LoadSoccerClip``) or slices precomputed features
(``LoadSoccerClipFeatures``), then makes targets (``SoccerClipTargets``). Train mode
addresses every start ``0 .. N - T`` of every half and :class:`SoccerWindowSampler`
draws ``samples_per_epoch`` of them per epoch, reproducibly from (seed, epoch); val
and test mode slide windows with a stride, the last one shifted back to end at the
half's end, so every timestep of a half is covered by a full window.
"""
import os
from typing import List, Optional, Sequence

import numpy as np
from mmengine.dataset import BaseDataset
from mmengine.logging import MMLogger

from mmsport.fileio.soccernet import (V2_CLASSES, SoccerNetDataError,
                                      check_labels_against_videos, iter_game_labels,
                                      position_to_frame)
from mmsport.registry import DATASETS
from .transforms.soccer_clip_transforms import half_timesteps
from .transforms.soccer_window_transforms import open_video


@DATASETS.register_module()
class SoccerNetV2ClipDataset(BaseDataset):
    """Windows of SoccerNet-v2 halves at a reduced frame rate, with per-timestep targets.

    Sample dicts (``get_data_info``) hold the half's entry (``game``, ``half``,
    ``video``, ``video_fps``, ``n_frames``, ``half_timesteps``, ``label_timesteps``
    (E,), ``label_classes`` (E,), ``feature_path``) and the window's ``start``,
    ``num_timesteps`` (T), ``num_valid`` plus the settings the pipeline reads
    (``fps``, ``input_size``, ``num_classes``, ``label_radius`` in timesteps).

    A half shorter than the window is an error by default (naming the video,
    game, half and both durations). With ``pad_short=True`` such a half gives
    one window from timestep 0 whose last ``T - num_valid`` timesteps are padding
    (black frames / zero features / zero targets, ``valid_mask`` False).

    In feature mode (``feature_dir``), ``<feature_dir>/<game>/<half>_features.npy``
    (N_feat, D) must exist for every half and have ``N_feat`` within 1 of the
    half's ``N`` timesteps (else an error naming the file and both lengths); the
    half then has ``min(N, N_feat)`` timesteps (events past it are clamped to
    its last timestep). Videos are still read (their length is the reference).

    Args:
        data_root: folder of ``<league>/<season>/<game>/`` folders.
        games: relative game paths to use (splits, CV folds); None: every game
            under ``data_root`` holding ``label_file``.
        label_file: labels file name in each game folder.
        classes: class names (column order of the (T, C) targets).
        fps: sampling rate in timesteps per second.
        window_seconds: window length (T = ``round(window_seconds * fps)``).
        stride_seconds: val/test window stride; None: half the window.
        label_radius_seconds: a timestep is positive for a class when one of its
            events is within ``+-round(label_radius_seconds * fps)`` timesteps.
        input_size: (W, H) frames are decoded at; None keeps the video's size.
        feature_dir: folder of precomputed features (feature mode); None: frames.
        mode: ``'train'`` (every start, drawn by :class:`SoccerWindowSampler`) or
            ``'val'``/``'test'`` (sliding windows in order).
        samples_per_epoch: windows per training epoch (read by the sampler).
        seed: sampling seed; None leaves it to the sampler (the runner's seed).
        pad_short: pad halves shorter than the window instead of raising.
        skip_unknown_labels: drop labels outside ``classes`` instead of raising.
        **kwargs: ``pipeline``, ``test_mode``, ``lazy_init`` ... of BaseDataset.
    """

    def __init__(self, data_root: str, games: Optional[Sequence[str]] = None,
                 label_file: str = 'Labels-v2.json', classes: Sequence[str] = V2_CLASSES,
                 fps: float = 2.0, window_seconds: float = 64.0,
                 stride_seconds: Optional[float] = None, label_radius_seconds: float = 1.0,
                 input_size: Optional[Sequence[int]] = (224, 224),
                 feature_dir: Optional[str] = None, mode: str = 'train',
                 samples_per_epoch: int = 1024, seed: Optional[int] = None,
                 pad_short: bool = False, skip_unknown_labels: bool = False, **kwargs):
        if mode not in ('train', 'val', 'test'):
            raise ValueError(f"mode must be 'train', 'val' or 'test', got {mode!r}")
        if not fps > 0:
            raise ValueError(f'fps must be > 0, got {fps}')
        self.games, self.label_file, self.classes = games, label_file, tuple(classes)
        self.fps, self.window_seconds = float(fps), float(window_seconds)
        self.num_timesteps = int(round(self.window_seconds * self.fps))
        if self.num_timesteps < 1:
            raise ValueError(f'window_seconds={window_seconds} is less than one timestep '
                             f'at {fps} fps')
        if stride_seconds is None:
            stride_seconds = self.window_seconds / 2
        self.stride_seconds = float(stride_seconds)
        self.stride = 1 if mode == 'train' else int(round(self.stride_seconds * self.fps))
        if self.stride < 1:
            raise ValueError(f'stride_seconds={stride_seconds} is less than one timestep '
                             f'at {fps} fps')
        if not label_radius_seconds >= 0:
            raise ValueError(f'label_radius_seconds must be >= 0, got {label_radius_seconds}')
        self.label_radius_seconds = float(label_radius_seconds)
        self.label_radius = int(round(self.label_radius_seconds * self.fps))
        self.input_size = None if input_size is None else tuple(int(v) for v in input_size)
        self.feature_dir, self.mode = feature_dir, mode
        self.samples_per_epoch, self.seed = int(samples_per_epoch), seed
        self.pad_short, self.skip_unknown_labels = bool(pad_short), skip_unknown_labels
        kwargs.setdefault('ann_file', '')
        kwargs.setdefault('test_mode', mode != 'train')
        kwargs.setdefault('metainfo', dict(classes=self.classes))
        super().__init__(data_root=data_root, **kwargs)

    # ---------------------------------------------------------------- index
    def load_data_list(self) -> List[dict]:
        """One dict per half (see the class docstring); validates labels, videos, features."""
        data_list = []
        for game, labels_path, labels, videos in iter_game_labels(
                self.data_root, self.games, self.label_file, self.classes, self.fps,
                self.skip_unknown_labels):
            meta = {h: self._video_meta(p) for h, p in videos.items()}
            # labels against the videos in source frames (exact), then at the sampling rate
            check_labels_against_videos(
                [dict(x, frame=position_to_frame(x['position_ms'], meta[x['half']][1]))
                 if x['half'] in meta else x for x in labels],
                {h: m[0] for h, m in meta.items()}, labels_path)
            for half, video in sorted(videos.items()):
                n_frames, video_fps = meta[half]
                n_t = half_timesteps(n_frames, video_fps, self.fps)
                feature_path = None
                if self.feature_dir is not None:
                    feature_path = os.path.join(self.feature_dir, game, f'{half}_features.npy')
                    n_t = min(n_t, self._feature_length(feature_path, video, n_frames,
                                                        video_fps, n_t))
                if n_t < self.num_timesteps and not self.pad_short:
                    raise SoccerNetDataError(
                        f'{video}: game {game!r} half {half} lasts {n_t / self.fps:.1f} s '
                        f'({n_t} timesteps at {self.fps:g} fps), shorter than the '
                        f'{self.window_seconds:g} s window ({self.num_timesteps} timesteps); '
                        f'use a shorter window_seconds or pad_short=True')
                labs = sorted((min(x['frame'], n_t - 1), x['class_idx']) for x in labels
                              if x['half'] == half)
                data_list.append(dict(
                    game=game, half=half, video=video, video_fps=video_fps, n_frames=n_frames,
                    half_timesteps=n_t, feature_path=feature_path,
                    label_timesteps=np.array([t for t, _ in labs], np.int64),
                    label_classes=np.array([c for _, c in labs], np.int64)))
        if not data_list:
            raise SoccerNetDataError(f'{self.data_root}: no game folder with {self.label_file}')
        return data_list

    @staticmethod
    def _video_meta(path: str):
        """(frame count, average fps) of a video; errors name the file."""
        vr = open_video(path)
        n, video_fps = len(vr), float(vr.get_avg_fps())
        del vr
        if n <= 0 or not video_fps > 0:
            raise SoccerNetDataError(f'{path}: video has no frames or no frame rate '
                                     f'({n} frames, {video_fps} fps)')
        return n, video_fps

    def _feature_length(self, path: str, video: str, n_frames: int, video_fps: float,
                        n_t: int) -> int:
        """Rows of a feature file (read from its header); raises unless within 1 of ``n_t``."""
        if not os.path.isfile(path):
            raise SoccerNetDataError(f'{path}: feature file is missing (feature_dir='
                                     f'{self.feature_dir!r})')
        try:
            shape = np.load(path, mmap_mode='r').shape
        except (OSError, ValueError) as e:
            raise SoccerNetDataError(f'{path}: cannot be read as an .npy array ({e})') from e
        if len(shape) != 2:
            raise SoccerNetDataError(f'{path}: features have shape {shape}, expected '
                                     f'(timesteps, D)')
        if abs(shape[0] - n_t) > 1:
            raise SoccerNetDataError(
                f'{path}: {shape[0]} feature timesteps, but {video} ({n_frames} frames at '
                f'{video_fps:g} fps, {n_frames / video_fps:.1f} s) has {n_t} timesteps at '
                f'{self.fps:g} fps (they may differ by at most 1)')
        if shape[0] != n_t:
            MMLogger.get_current_instance().debug(
                f'{path}: {shape[0]} feature timesteps vs {n_t} of the video; using '
                f'{min(shape[0], n_t)}')
        return int(shape[0])

    def _window_count(self, n_t: int) -> int:
        return -(-max(n_t - self.num_timesteps, 0) // self.stride) + 1

    def full_init(self):
        """Load the index, then the flat window-id offsets of every half."""
        if self._fully_initialized:
            return
        super().full_init()
        n_halves = BaseDataset.__len__(self)
        self._halves = [BaseDataset.get_data_info(self, i) for i in range(n_halves)]
        counts = [self._window_count(h['half_timesteps']) for h in self._halves]
        self._starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)

    def __len__(self) -> int:
        """Number of windows (train: every start of every half; val/test: sliding)."""
        self.full_init()
        return int(self._starts[-1])

    @property
    def num_halves(self) -> int:
        self.full_init()
        return len(self._halves)

    def window_start(self, half_index: int, j: int) -> int:
        """First timestep of window ``j`` of half ``half_index``: ``min(j * stride, N - T)``."""
        self.full_init()
        n_t = self._halves[half_index]['half_timesteps']
        return min(int(j) * self.stride, max(n_t - self.num_timesteps, 0))

    def get_data_info(self, idx: int) -> dict:
        """Sample dict of flat window id ``idx``: its half's entry plus the window."""
        self.full_init()
        idx = int(idx)
        if not 0 <= idx < len(self):
            raise IndexError(f'window id {idx} out of range [0, {len(self)})')
        h = int(np.searchsorted(self._starts, idx, side='right')) - 1
        info = dict(self._halves[h])
        start = self.window_start(h, idx - self._starts[h])
        info.update(sample_idx=idx, start=start, num_timesteps=self.num_timesteps,
                    num_valid=min(self.num_timesteps, info['half_timesteps'] - start),
                    fps=self.fps, input_size=self.input_size, num_classes=len(self.classes),
                    label_radius=self.label_radius)
        return info

    def sampling_weights(self) -> np.ndarray:
        """(len(self),) probabilities for :class:`SoccerWindowSampler`: uniform over windows
        (train: every start of every half equally likely)."""
        n = len(self)
        return np.full(n, 1.0 / n)
