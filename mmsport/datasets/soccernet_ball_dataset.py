"""SoccerNet ball-action windows: an index of halves, action-weighted window sampling.

A *window* is ``num_frames`` frames taken every ``frame_step`` original frames
around a centre frame. The dataset addresses windows by a flat integer id over
all halves (train: every frame of every half is a candidate centre; val/test:
every ``val_stride``-th frame). :meth:`SoccerNetBallDataset.sampling_weights` is the
seed's action-weighted distribution over those ids, which
:class:`mmsport.datasets.samplers.SoccerWindowSampler` draws a training epoch from.
"""
import os
from typing import List, Optional, Sequence, Union

import numpy as np
from mmengine.dataset import BaseDataset
from mmengine.logging import MMLogger

from mmsport.fileio.containers import NPZ_ERRORS, check_finite
from mmsport.registry import DATASETS
from mmsport.fileio.soccernet import (BALL_CLASSES_2023, SoccerNetDataError,
                                      check_labels_against_videos, iter_game_labels)
from .transforms import soccer_window_transforms  # noqa: F401  (registers its pipeline)


def dilate_frames(frames: np.ndarray, n_frames: int, window: int) -> np.ndarray:
    """(n_frames,) bool: True within ``+-window // 2`` frames of any of ``frames``."""
    r = int(window) // 2
    edges = np.zeros(n_frames + 1, np.int64)
    frames = np.asarray(frames, np.int64)
    np.add.at(edges, np.clip(frames - r, 0, n_frames), 1)
    np.add.at(edges, np.clip(frames + r + 1, 0, n_frames), -1)
    return np.cumsum(edges)[:n_frames] > 0


def _weighted_windows(frames: Sequence[int], weights: Sequence[float], n_frames: int,
                      window: int) -> np.ndarray:
    """(n_frames,) sum over actions of ``weight / window frames`` on each action's window,
    normalised to sum 1 (the in-video part of each window)."""
    frames = np.asarray(frames, np.int64)
    weights = np.asarray(weights, np.float64)
    if weights.shape != frames.shape or not np.all(weights > 0):
        raise ValueError(f'action_weights must be {len(frames)} positive numbers, '
                         f'got {weights.tolist()}')
    r = int(window) // 2
    lo, hi = np.clip(frames - r, 0, n_frames), np.clip(frames + r + 1, 0, n_frames)
    density = weights / np.maximum(hi - lo, 1)
    edges = np.zeros(n_frames + 1)
    np.add.at(edges, lo, density)
    np.add.at(edges, hi, -density)
    out = np.cumsum(edges)[:n_frames]
    return out / out.sum()


def action_sampling_weights(n_frames: int, action_frames: Sequence[int],
                            action_window: int = 9, action_prob: float = 0.5,
                            oof_scores: Optional[np.ndarray] = None,
                            oof_clear_window: int = 27,
                            action_weights: Optional[Sequence[float]] = None) -> np.ndarray:
    """Centre-frame probabilities of one half (the seed's sampling scheme).

    Frames within ``+-action_window // 2`` of an action share the mass
    ``action_prob``, the other frames share ``1 - action_prob`` (0.5: equal
    chance of an event window and an empty one). With ``action_weights`` (one
    per action, e.g. the inverse frequency of its class) the mass ``action_prob``
    is split between the actions in proportion to them (each action's share
    spread over the frames of its window) instead of equally between the frames. With ``oof_scores``
    (out-of-fold max-class scores per frame, NaN where unpredicted), an empty
    frame outside ``+-oof_clear_window // 2`` of every action gets
    ``max(its base weight, score * weight of an action frame)`` -- confident
    false positives are drawn more often -- and the empty frames are rescaled
    back to their mass ``1 - action_prob``.

    Returns:
        (n_frames,) float64 summing to 1.
    """
    near = dilate_frames(action_frames, n_frames, action_window)
    n_near, n_far = int(near.sum()), int(n_frames - near.sum())
    if n_near == 0 or n_far == 0:
        return np.full(n_frames, 1.0 / n_frames)
    w = np.where(near, action_prob / n_near, (1.0 - action_prob) / n_far)
    if action_weights is not None:
        w[near] = action_prob * _weighted_windows(action_frames, action_weights, n_frames,
                                                  action_window)[near]
    if oof_scores is not None:
        far = ~dilate_frames(action_frames, n_frames, max(oof_clear_window, action_window))
        scores = np.nan_to_num(np.asarray(oof_scores, np.float64), nan=0.0)
        w[far] = np.maximum(w[far], scores[far] * action_prob / n_near)
        w[~near] *= (1.0 - action_prob) / w[~near].sum()
    return w / w.sum()


def load_oof_scores(oof_dirs: Union[str, Sequence[str]], game: str, half: int,
                    n_frames: int) -> np.ndarray:
    """Max-class OOF scores (n_frames,) of one game-half.

    Reads ``<dir>/<game>/<half>_raw_scores.npz`` as written by
    ``tools/ball_action/inference.py`` and ``tools/ball_action/train_cv.py`` (``scores`` (T, C)),
    or the seed's ``<dir>/<game>/<half>_raw_predictions.npz`` (``frame_indexes``
    (N,) and ``raw_predictions`` (N, C)). The first of ``oof_dirs`` holding a
    file is used (one folder per CV fold is fine). Frames without a prediction
    are NaN.
    """
    dirs = [oof_dirs] if isinstance(oof_dirs, str) else list(oof_dirs)
    names = (f'{half}_raw_scores.npz', f'{half}_raw_predictions.npz')
    paths = [os.path.join(d, game, n) for d in dirs for n in names]
    path = next((p for p in paths if os.path.isfile(p)), None)
    if path is None:
        raise SoccerNetDataError(f'{paths[0]}: out-of-fold predictions file is missing '
                                 f'(searched {dirs})')
    try:
        with np.load(path) as npz:
            key = 'scores' if 'scores' in npz else 'raw_predictions'
            if key == 'scores':
                preds = np.asarray(npz['scores'], np.float64)
                frames = np.arange(len(preds))
            else:
                frames = np.asarray(npz['frame_indexes'], np.int64).reshape(-1)
                preds = np.asarray(npz['raw_predictions'], np.float64)
    except NPZ_ERRORS as e:  # also a truncated / corrupt zip
        raise SoccerNetDataError(f'{path}: expected an npz with scores (T, C), or '
                                 f'frame_indexes (N,) and raw_predictions (N, C) ({e!r})') from e
    check_finite(path, key, preds, SoccerNetDataError)  # NaN here would read as "no prediction"
    if preds.ndim == 1:
        preds = preds[:, None]
    if preds.shape[0] != frames.shape[0] or frames.size and (
            frames.min() < 0 or frames.max() >= n_frames):
        raise SoccerNetDataError(f'{path}: {frames.shape[0]} frame_indexes vs raw_predictions '
                                 f'{preds.shape}, or frames outside [0, {n_frames})')
    out = np.full(n_frames, np.nan)
    out[frames] = preds.max(axis=1)
    return out


@DATASETS.register_module()
class SoccerNetBallDataset(BaseDataset):
    """Windows of grayscale frames centred on frames of SoccerNet ball-action halves.

    Only an index is kept (per half: game, video path, frame count, label frames
    and classes); frames are decoded by ``LoadSoccerWindow``. Sample dicts carry
    ``frame`` (centre) and the window/target settings, so one field here changes
    them in every pipeline step.

    Args:
        data_root: folder of ``<league>/<season>/<game>/`` folders.
        label_file: labels file name in each game folder.
        classes: class names (``class_idx`` order of the multi-hot targets).
        fps: frame rate labels' positions are converted at.
        num_frames: T frames per window.
        frame_step: original frames between two window frames.
        input_size: (W, H) the frames are decoded at; None keeps the video size.
        positive_window: a class is positive at a centre frame if one of its
            actions is within ``+-positive_window // 2`` frames.
        games: relative game paths to use (K-fold CV); None for every game.
        mode: ``'train'`` (every frame is a candidate centre, drawn by
            :class:`SoccerWindowSampler`) or ``'val'``/``'test'`` (every
            ``val_stride`` frames, in order).
        val_stride: centre-frame stride in val/test mode; None: ``frame_step``.
        samples_per_epoch: windows per training epoch (the seed: 6000).
        seed: sampling seed; None leaves it to the sampler (the runner's seed).
        action_window, action_prob: see :func:`action_sampling_weights`.
        oof_dir: folder(s) of out-of-fold predictions that reweight sampling
            (see :func:`load_oof_scores`); None: action weighting only.
        oof_clear_window: see :func:`action_sampling_weights`.
        class_balanced: draw the windows of each class equally often: every
            action's share of a half's action mass is the inverse of its class's
            number of actions in the dataset (False: the seed's, equal per frame).
        skip_unknown_labels: drop labels outside ``classes`` instead of raising.
        **kwargs: ``pipeline``, ``test_mode``, ``lazy_init`` ... of BaseDataset.
    """

    def __init__(self, data_root: str, label_file: str = 'Labels-ball.json',
                 classes: Sequence[str] = BALL_CLASSES_2023, fps: float = 25.0,
                 num_frames: int = 15, frame_step: int = 2,
                 input_size: Optional[Sequence[int]] = None, positive_window: int = 15,
                 games: Optional[Sequence[str]] = None, mode: str = 'train',
                 val_stride: Optional[int] = None, samples_per_epoch: int = 256,
                 seed: Optional[int] = None, action_window: int = 9,
                 action_prob: float = 0.5, oof_dir: Union[None, str, Sequence[str]] = None,
                 oof_clear_window: int = 27, skip_unknown_labels: bool = False,
                 class_balanced: bool = False, **kwargs):
        if mode not in ('train', 'val', 'test'):
            raise ValueError(f"mode must be 'train', 'val' or 'test', got {mode!r}")
        if not 0.0 < action_prob < 1.0:
            raise ValueError(f'action_prob must be in (0, 1), got {action_prob}')
        self.label_file, self.classes, self.fps = label_file, tuple(classes), float(fps)
        self.num_frames, self.frame_step = int(num_frames), int(frame_step)
        self.input_size = None if input_size is None else tuple(int(v) for v in input_size)
        self.positive_window, self.games, self.mode = int(positive_window), games, mode
        self.stride = 1 if mode == 'train' else int(val_stride or frame_step)
        self.samples_per_epoch, self.seed = int(samples_per_epoch), seed
        self.action_window, self.action_prob = int(action_window), float(action_prob)
        self.oof_dir, self.oof_clear_window = oof_dir, int(oof_clear_window)
        self.class_balanced = bool(class_balanced)
        self.skip_unknown_labels = skip_unknown_labels
        kwargs.setdefault('ann_file', '')
        kwargs.setdefault('test_mode', mode != 'train')
        kwargs.setdefault('metainfo', dict(classes=self.classes))
        super().__init__(data_root=data_root, **kwargs)

    # ---------------------------------------------------------------- index
    def load_data_list(self) -> List[dict]:
        """One dict per half: game, half, video, n_frames, label_frames, label_classes."""
        data_list = []
        for game, labels_path, labels, videos in iter_game_labels(
                self.data_root, self.games, self.label_file, self.classes, self.fps,
                self.skip_unknown_labels):
            n_frames = {h: self._count_frames(p) for h, p in videos.items()}
            check_labels_against_videos(labels, n_frames, labels_path)
            for half, video in sorted(videos.items()):
                labs = sorted((x['frame'], x['class_idx']) for x in labels if x['half'] == half)
                data_list.append(dict(
                    game=game, half=half, video=video, n_frames=n_frames[half],
                    label_frames=np.array([f for f, _ in labs], np.int64),
                    label_classes=np.array([c for _, c in labs], np.int64)))
        if not data_list:
            raise SoccerNetDataError(f'{self.data_root}: no game folder with {self.label_file}')
        return data_list

    def _count_frames(self, path: str) -> int:
        import decord
        try:
            vr = decord.VideoReader(path, num_threads=1)
            n, fps = len(vr), vr.get_avg_fps()
            del vr
        except Exception as e:  # decord raises DECORDError / RuntimeError
            raise SoccerNetDataError(f'{path}: cannot be read as a video ({e})'.split(
                '\n')[0]) from e
        if n <= 0:
            raise SoccerNetDataError(f'{path}: video has no frames')
        if abs(fps - self.fps) > 0.01 * self.fps:
            MMLogger.get_current_instance().warning(
                f'{path}: {fps:.3f} fps, labels are read at {self.fps} fps')
        return n

    def full_init(self):
        """Load the index, then the flat window-id offsets of every half."""
        if self._fully_initialized:
            return
        super().full_init()
        n_halves = BaseDataset.__len__(self)
        self._halves = [BaseDataset.get_data_info(self, i) for i in range(n_halves)]
        counts = [-(-h['n_frames'] // self.stride) for h in self._halves]
        self._starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)

    def __len__(self) -> int:
        """Number of candidate windows (train: all frames; val: every stride-th)."""
        self.full_init()
        return int(self._starts[-1])

    @property
    def num_halves(self) -> int:
        self.full_init()
        return len(self._halves)

    def get_data_info(self, idx: int) -> dict:
        """Sample dict of flat window id ``idx``: the half's entry plus ``frame``."""
        self.full_init()
        idx = int(idx)
        if not 0 <= idx < len(self):
            raise IndexError(f'window id {idx} out of range [0, {len(self)})')
        h = int(np.searchsorted(self._starts, idx, side='right')) - 1
        info = dict(self._halves[h])
        info.update(sample_idx=idx, frame=int(idx - self._starts[h]) * self.stride,
                    num_frames=self.num_frames, frame_step=self.frame_step,
                    input_size=self.input_size, positive_window=self.positive_window,
                    num_classes=len(self.classes))
        return info

    def half_window_bounds(self) -> np.ndarray:
        """(H + 1,) flat id of each half's first window, then ``len(self)``."""
        self.full_init()
        return self._starts.copy()

    def window_id(self, half_index: int, frame: int) -> int:
        """Flat window id of centre ``frame`` of half ``half_index`` (a multiple of stride)."""
        self.full_init()
        return int(self._starts[half_index]) + int(frame) // self.stride

    # ------------------------------------------------------------- sampling
    def sampling_weights(self) -> np.ndarray:
        """(len(self),) probabilities of each window id: half uniform, then frame.

        Frames follow :func:`action_sampling_weights` (with OOF scores when
        ``oof_dir`` is set); val/test mode keeps every ``stride``-th frame.
        """
        self.full_init()
        class_weight = None
        if self.class_balanced:
            counts = np.bincount(np.concatenate([h['label_classes'] for h in self._halves]
                                                + [np.zeros(0, np.int64)]),
                                 minlength=len(self.classes))
            class_weight = 1.0 / np.maximum(counts, 1)  # (C,)
        out = []
        for h in self._halves:
            oof = None if self.oof_dir is None else load_oof_scores(
                self.oof_dir, h['game'], h['half'], h['n_frames'])
            weights = None if class_weight is None or not len(h['label_classes']) else \
                class_weight[h['label_classes']]
            w = action_sampling_weights(h['n_frames'], h['label_frames'], self.action_window,
                                        self.action_prob, oof, self.oof_clear_window,
                                        action_weights=weights)
            w = w[::self.stride]
            out.append(w / w.sum() / len(self._halves))
        return np.concatenate(out)
