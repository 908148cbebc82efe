"""Augmentations of ball-tracking frame stacks for other sources (training only).

A tracker trained on one broadcast meets other cameras: other exposure and contrast,
softer optics or motion blur, stronger compression, and the ball at another pixel
size. Each step here draws one setting per sample and applies it to **every frame of
the stack alike**, so the differences between frames (the ball's motion, which the
model reads) stay those of the video.

Order in a pipeline: ``LoadBallFrameStack`` -> ``RandomFlipBallStack`` ->
``RandomBallScale`` -> ``BallHeatmapTarget`` -> ``RandomBallCrop`` -> photometric steps
(``BallStackColorJitter``, ``BallStackBlur``, ``BallStackJPEG``) -> ``PackBallInputs``.
Works on ``imgs`` (S, h, w, 3) BGR uint8.
"""
from typing import Sequence, Tuple

import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from mmsport.registry import TRANSFORMS


def _check_prob(prob: float) -> float:
    if not 0.0 <= prob <= 1.0:
        raise ValueError(f'prob must be in [0, 1], got {prob}')
    return float(prob)


@TRANSFORMS.register_module()
class RandomBallScale(BaseTransform):
    """Resize the stack by a random factor, so the ball is seen at other pixel sizes.

    Sets ``input_size`` to the new (w, h): ``BallHeatmapTarget`` after it draws the
    target at the new size, positions stay in full-resolution pixels.

    Args:
        scale: (low, high) of the factor, drawn uniformly.
        prob: chance of rescaling a sample.
        min_size: (w, h) the result must keep (e.g. the crop size that follows).
    """

    def __init__(self, scale: Tuple[float, float] = (0.75, 1.25), prob: float = 0.5,
                 min_size: Sequence[int] = (0, 0)):
        lo, hi = (float(v) for v in scale)
        if not 0 < lo <= hi:
            raise ValueError(f'scale must be 0 < low <= high, got {scale}')
        self.scale, self.prob = (lo, hi), _check_prob(prob)
        self.min_size = tuple(int(v) for v in min_size)

    def transform(self, results: dict) -> dict:
        if np.random.rand() >= self.prob:
            return results
        imgs = results['imgs']
        _, h, w, _ = imgs.shape
        f = np.random.uniform(*self.scale)
        nw = max(self.min_size[0], int(round(w * f)))
        nh = max(self.min_size[1], int(round(h * f)))
        interp = cv2.INTER_AREA if nw < w else cv2.INTER_LINEAR
        results['imgs'] = np.stack([cv2.resize(im, (nw, nh), interpolation=interp)
                                    for im in imgs])
        results['input_size'] = (nw, nh)
        return results


@TRANSFORMS.register_module()
class BallStackColorJitter(BaseTransform):
    """Brightness and contrast drawn once per sample, the same for every frame.

    ``out = (img - mean) * c + mean * b``, with ``b`` in ``1 +- brightness`` and ``c`` in
    ``1 +- contrast`` (mean over the whole stack), clipped to uint8.
    """

    def __init__(self, brightness: float = 0.3, contrast: float = 0.3, prob: float = 0.8):
        self.brightness, self.contrast = float(brightness), float(contrast)
        self.prob = _check_prob(prob)

    def transform(self, results: dict) -> dict:
        if np.random.rand() >= self.prob:
            return results
        imgs = results['imgs'].astype(np.float32)
        b = np.random.uniform(1 - self.brightness, 1 + self.brightness)
        c = np.random.uniform(1 - self.contrast, 1 + self.contrast)
        mean = imgs.mean()
        results['imgs'] = np.clip((imgs - mean) * c + mean * b, 0, 255).astype(np.uint8)
        return results


@TRANSFORMS.register_module()
class BallStackBlur(BaseTransform):
    """Gaussian blur of one random sigma for every frame (softer optics, defocus)."""

    def __init__(self, sigma: Tuple[float, float] = (0.3, 1.2), prob: float = 0.3):
        self.sigma, self.prob = tuple(float(v) for v in sigma), _check_prob(prob)

    def transform(self, results: dict) -> dict:
        if np.random.rand() >= self.prob:
            return results
        s = np.random.uniform(*self.sigma)
        results['imgs'] = np.stack([cv2.GaussianBlur(im, (0, 0), s) for im in results['imgs']])
        return results


@TRANSFORMS.register_module()
class BallStackJPEG(BaseTransform):
    """JPEG re-compression at one random quality for every frame (stronger codecs)."""

    def __init__(self, quality: Tuple[int, int] = (30, 90), prob: float = 0.3):
        lo, hi = (int(v) for v in quality)
        if not 1 <= lo <= hi <= 100:
            raise ValueError(f'quality must be 1 <= low <= high <= 100, got {quality}')
        self.quality, self.prob = (lo, hi), _check_prob(prob)

    def transform(self, results: dict) -> dict:
        if np.random.rand() >= self.prob:
            return results
        q = int(np.random.randint(self.quality[0], self.quality[1] + 1))
        out = []
        for im in results['imgs']:
            ok, buf = cv2.imencode('.jpg', np.ascontiguousarray(im),
                                   [cv2.IMWRITE_JPEG_QUALITY, q])
            out.append(cv2.imdecode(buf, cv2.IMREAD_COLOR) if ok else im)
        results['imgs'] = np.stack(out)
        return results
