"""Spotting codecs: a half's (T, C) score curve -> spotted actions, as a registered part.

The spotting counterpart of :class:`BallHeatmapCodec`: one object, built once
from the config (``TASK_UTILS.build``), holds the decode settings and is what the
metric, the inferencers, re-spotting and the submission writer call, so each
default is written here and nowhere else.

* :class:`PeakSpottingCodec`: Gaussian smoothing + peak picking (the ball-action
  2023 winner's post-processing; :func:`peak_spotting`).
* :class:`NMSSpottingCodec`: greedy soft-NMS (linear decay) or hard NMS over
  timesteps (COMEDIAN; :func:`soft_nms`).

Both decode a dense per-timestep curve; windows are turned into that curve
first (:func:`centre_scores_to_curve` for one score per window centre,
:func:`merge_windows` for per-timestep window scores).
"""
import math
from typing import List, Optional, Tuple, Union

import numpy as np

from mmsport.models.postprocess import peak_spotting, soft_nms
from mmsport.registry import TASK_UTILS

Spot = Tuple[int, int, float]  # (timestep, class_index, confidence)


@TASK_UTILS.register_module()
class PeakSpottingCodec:
    """Gaussian-smooth each class's curve, keep its peaks.

    Args:
        sigma: Gaussian std in timesteps (0 disables smoothing).
        height: minimum smoothed score of a peak, in [0, 1].
        distance: minimum timesteps between two peaks of a class (>= 1).
    """

    def __init__(self, sigma: float = 3.0, height: float = 0.2, distance: int = 15):
        self.sigma, self.height, self.distance = float(sigma), float(height), int(distance)
        if not self.sigma >= 0:  # nan fails too
            raise ValueError(f'PeakSpottingCodec: sigma must be >= 0, got {sigma}')
        if not 0.0 <= self.height <= 1.0:
            raise ValueError(f'PeakSpottingCodec: height must be in [0, 1], got {height}')
        if self.distance < 1 or self.distance != distance:
            raise ValueError(f'PeakSpottingCodec: distance must be an integer >= 1, '
                             f'got {distance}')

    @property
    def score_threshold(self) -> float:
        """Lowest score a spot can have (drawn on timelines)."""
        return self.height

    def decode(self, curve: np.ndarray) -> List[Spot]:
        """(T, C) scores in [0, 1] (NaN read as 0) -> spots sorted by timestep."""
        return peak_spotting(curve, sigma=self.sigma, height=self.height,
                             distance=self.distance)

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(sigma={self.sigma}, height={self.height}, '
                f'distance={self.distance})')


@TASK_UTILS.register_module()
class NMSSpottingCodec:
    """Greedy temporal NMS per class: soft (linear decay) or hard.

    Args:
        mode: ``'soft'`` (scores within ``window / 2`` of a kept timestep decay
            linearly with the distance) or ``'hard'`` (they are zeroed).
        window: NMS window in timesteps (the seed's 20 at 2 fps = 10 s).
        threshold: scores below it are never kept (> 0).
        min_weight: weight at distance 0 (soft mode).
        max_per_class: keep at most this many spots per class (None: all).
    """

    MODES = ('soft', 'hard')

    def __init__(self, mode: str = 'soft', window: float = 20.0, threshold: float = 0.001,
                 min_weight: float = 0.0, max_per_class: Optional[int] = None):
        if mode not in self.MODES:
            raise ValueError(f'NMSSpottingCodec: mode must be one of {self.MODES}, '
                             f'got {mode!r}')
        self.mode = mode
        self.window, self.threshold = float(window), float(threshold)
        self.min_weight = float(min_weight)
        self.max_per_class = None if max_per_class is None else int(max_per_class)
        if not (self.window > 0 and math.isfinite(self.window)):
            raise ValueError(f'NMSSpottingCodec: window must be > 0 timesteps, got {window}')
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f'NMSSpottingCodec: threshold must be in (0, 1], got {threshold}')
        if not 0.0 <= self.min_weight <= 1.0:
            raise ValueError(f'NMSSpottingCodec: min_weight must be in [0, 1], '
                             f'got {min_weight}')
        if self.max_per_class is not None and self.max_per_class < 1:
            raise ValueError(f'NMSSpottingCodec: max_per_class must be >= 1 or None, '
                             f'got {max_per_class}')

    @property
    def score_threshold(self) -> float:
        """Lowest score a spot can have (drawn on timelines)."""
        return self.threshold

    def decode(self, curve: np.ndarray) -> List[Spot]:
        """(T, C) scores (NaN read as 0) -> spots, in the order NMS keeps them."""
        times, classes, scores = soft_nms(
            curve, self.window, self.threshold, self.min_weight,
            'linear' if self.mode == 'soft' else 'hard', self.max_per_class)
        return list(zip(times.tolist(), classes.tolist(), scores.tolist()))

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(mode={self.mode!r}, window={self.window}, '
                f'threshold={self.threshold}, min_weight={self.min_weight}, '
                f'max_per_class={self.max_per_class})')


SpottingCodec = Union[PeakSpottingCodec, NMSSpottingCodec]


def build_spotting_codec(cfg: Union[None, dict, SpottingCodec] = None,
                         default: str = 'PeakSpottingCodec', *,
                         postprocess: Optional[dict] = None,
                         nms: Optional[dict] = None) -> SpottingCodec:
    """A spotting codec from a config dict, or the codec itself.

    Args:
        cfg: ``dict(type=..., **settings)`` (``type`` defaults to ``default``),
            a built codec, or None (``default`` with its own defaults).
        default: codec type when ``cfg`` names none.
        postprocess: the older spelling ``dict(sigma, height, distance)`` of a
            :class:`PeakSpottingCodec` (configs written before the codecs).
        nms: the older spelling ``dict(type='soft'|'hard', window, ...)`` of a
            :class:`NMSSpottingCodec`.
    """
    legacy = [name for name, v in (('postprocess', postprocess), ('nms', nms)) if v is not None]
    if legacy:
        if cfg is not None or len(legacy) > 1:
            raise ValueError(f'give one of codec, postprocess, nms; got codec={cfg!r}, '
                             f'postprocess={postprocess!r}, nms={nms!r}')
        if postprocess is not None:
            cfg = dict(type='PeakSpottingCodec', **postprocess)
        else:
            cfg = dict(nms)
            cfg = dict(type='NMSSpottingCodec', mode=cfg.pop('type', 'soft'), **cfg)
    if cfg is None:
        cfg = {}
    if not isinstance(cfg, dict):
        if not callable(getattr(cfg, 'decode', None)):
            raise TypeError(f'a spotting codec needs a decode method, got {type(cfg).__name__}')
        return cfg
    cfg = dict(cfg)
    cfg.setdefault('type', default)
    return TASK_UTILS.build(cfg)


def evaluator_codec(evaluator: dict, default: str) -> SpottingCodec:
    """The codec an evaluator config declares (``codec``, or the older ``postprocess`` /
    ``nms`` keys), built; ``default`` with its own defaults when it declares none."""
    return build_spotting_codec(evaluator.get('codec'), default,
                                postprocess=evaluator.get('postprocess'),
                                nms=evaluator.get('nms'))
