"""Pipeline steps for ball tracking: load a frame stack, make targets, pack."""
from collections import OrderedDict
from typing import Optional, Sequence, Tuple

import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmengine.structures import BaseDataElement

from mmsport.registry import TASK_UTILS, TRANSFORMS
from mmsport.video.background import background_span, clip_background
from mmsport.video.frame_cache import VideoFrameCache
from mmsport.video.input_geometry import stack_indices
from ..tennis_io import read_frame, reduced_decode_factor


@TRANSFORMS.register_module()
class LoadBallFrameStack(BaseTransform):
    """Decode frames ``t-(S-1)k .. t-k, t`` of a clip at the model's input size
    (the first frame is repeated before the clip start), from a jpg clip folder
    or straight from a video file (``is_video`` in the sample).

    ``stack_size`` S, ``input_size`` (w, h) and ``frame_stride`` k (default 1)
    come from the sample (the dataset sets them), so one config field changes
    them everywhere. Adds ``imgs`` (S, h, w, 3) BGR uint8.

    When the sample has a ``background_window`` (the dataset's), the frame's
    background image (:mod:`mmsport.video.background`: the median of frames
    sampled over its segment of the clip) is appended as one more frame:
    ``imgs`` (S+1, h, w, 3), so flips and crops treat it as the frames.

    Args:
        cache_frames: decoded frames kept per process (an LRU), so that
            neighbouring stacks in sequential evaluation decode each frame once.
        reduced_decode: decode JPEGs directly at 1/2, 1/4 or 1/8 size when the
            input size is such a fraction (several times faster). False decodes
            at full size and resizes with INTER_AREA, exactly as streaming
            inference on videos does.
        video_segment_frames: videos are decoded sequentially in segments of
            this many frames (each frame once while its segment is cached).
        video_cache_mb: bound on the decoded video frames kept per process.
    """

    def __init__(self, cache_frames: int = 64, reduced_decode: bool = True,
                 video_segment_frames: int = 64, video_cache_mb: int = 1024):
        self.cache_frames = int(cache_frames)
        self.reduced_decode = reduced_decode
        self._cache = OrderedDict()
        self.video_cache = VideoFrameCache(video_segment_frames, int(video_cache_mb) << 20)
        self._backgrounds = OrderedDict()  # (clip, size, span) -> (h, w, 3), an LRU

    def _background(self, results: dict, read) -> np.ndarray:
        window = int(results['background_window'])
        span = background_span(int(results['frame_idx']), int(results['num_frames']), window)
        key = (results['clip_dir'], tuple(results['input_size']))
        if (key, span) in self._backgrounds:
            self._backgrounds.move_to_end((key, span))
        bg = clip_background(read, span, window, self._backgrounds, key)
        while len(self._backgrounds) > self.cache_frames:
            self._backgrounds.popitem(last=False)
        return bg

    def _frame(self, path: str, size: Tuple[int, int], factor: int) -> np.ndarray:
        img = self._cache.get((path, size))
        if img is None:
            img = read_frame(path, size, factor)
            self._cache[(path, size)] = img
            if len(self._cache) > self.cache_frames:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end((path, size))
        return img

    def transform(self, results: dict) -> dict:
        t, s = int(results['frame_idx']), int(results['stack_size'])
        size = tuple(results['input_size'])
        idx = stack_indices(t, s, int(results.get('frame_stride', 1)))
        if results.get('is_video', False):
            path = results['clip_dir']

            def read(i):
                return self.video_cache.get(path, i, size)
        else:
            factor = reduced_decode_factor(tuple(results['full_size']), size) \
                if self.reduced_decode else 1

            def read(i):
                return self._frame(f"{results['clip_dir']}/{i:04d}.jpg", size, factor)
        frames = [read(i) for i in idx]
        if results.get('background_window'):
            frames.append(self._background(results, read))
        results['imgs'] = np.stack(frames)
        return results


@TRANSFORMS.register_module()
class RandomFlipBallStack(BaseTransform):
    """Horizontally flip the whole stack and the ball label with probability ``prob``."""

    def __init__(self, prob: float = 0.5):
        self.prob = prob

    def transform(self, results: dict) -> dict:
        if np.random.rand() < self.prob:
            results['imgs'] = np.ascontiguousarray(results['imgs'][:, :, ::-1])
            ball = np.array(results['gt_ball'], dtype=np.float64, copy=True)
            if ball[0] != 0:
                ball[1] = results['full_size'][0] - 1 - ball[1]
            results['gt_ball'] = ball
        return results


@TRANSFORMS.register_module()
class BallHeatmapTarget(BaseTransform):
    """Add ``gt_heatmap`` (h, w) float32 from ``gt_ball`` with a heatmap codec."""

    def __init__(self, codec: dict):
        self.codec = TASK_UTILS.build(codec)

    def transform(self, results: dict) -> dict:
        results['gt_heatmap'] = self.codec.encode(
            np.asarray(results['gt_ball'])[None], tuple(results['full_size']),
            tuple(results['input_size']))[0]
        return results


@TRANSFORMS.register_module()
class RandomBallCrop(BaseTransform):
    """Crop the stack and its target heatmap to ``crop_size`` (training only).

    Trains a fully convolutional tracker at a high input resolution for the
    compute of a small one: the model sees ``crop_size`` pixels of a frame
    decoded at ``input_size`` and is run on whole frames at ``input_size`` at
    test time. Place it after :class:`BallHeatmapTarget` (the Gaussian is cut
    at the crop's edge, as a frame's edge cuts it).

    With probability ``ball_prob`` a crop that contains the (visible) ball is
    drawn, the ball anywhere in it; otherwise the crop is uniform over the
    frame, so the model keeps seeing the crowd, the players and the lines
    without a ball. The crop becomes the sample's frame: ``imgs`` (S, ch, cw, 3),
    ``gt_heatmap`` (ch, cw), ``input_size`` = ``crop_size``, and ``gt_ball`` /
    ``full_size`` in full-resolution pixels of the crop (code 0 when the ball
    falls outside it).

    Args:
        crop_size: (w, h) in input pixels, at most ``input_size``.
        ball_prob: chance of a crop around a visible ball.
    """

    def __init__(self, crop_size: Tuple[int, int], ball_prob: float = 0.5):
        self.crop_size = tuple(int(v) for v in crop_size)
        if not 0.0 <= ball_prob <= 1.0:
            raise ValueError(f'ball_prob must be in [0, 1], got {ball_prob}')
        self.ball_prob = float(ball_prob)

    @staticmethod
    def _origin(size: int, crop: int, centre: Optional[float]) -> int:
        if centre is None:
            return int(np.random.randint(0, size - crop + 1))
        lo = int(np.clip(np.floor(centre) - crop + 1, 0, size - crop))
        hi = int(np.clip(np.floor(centre), 0, size - crop))
        return int(np.random.randint(lo, hi + 1))

    def transform(self, results: dict) -> dict:
        _, h, w, _ = results['imgs'].shape
        cw, ch = self.crop_size
        if cw > w or ch > h:
            raise ValueError(f'crop_size {self.crop_size} is larger than the input {(w, h)}')
        (fw, fh) = results['full_size']
        sx, sy = fw / w, fh / h  # full-resolution pixels per input pixel
        ball = np.array(results['gt_ball'], dtype=np.float64, copy=True)
        near_ball = ball[0] != 0 and np.random.rand() < self.ball_prob
        bx = (ball[1] + 0.5) / sx - 0.5 if near_ball else None
        by = (ball[2] + 0.5) / sy - 0.5 if near_ball else None
        x0, y0 = self._origin(w, cw, bx), self._origin(h, ch, by)
        results['imgs'] = np.ascontiguousarray(results['imgs'][:, y0:y0 + ch, x0:x0 + cw])
        if 'gt_heatmap' in results:
            results['gt_heatmap'] = np.ascontiguousarray(
                results['gt_heatmap'][y0:y0 + ch, x0:x0 + cw])
        ball[1] -= x0 * sx
        ball[2] -= y0 * sy
        if ball[0] != 0 and not (0 <= ball[1] < cw * sx and 0 <= ball[2] < ch * sy):
            ball[:] = 0.0
        results['gt_ball'] = ball
        results['full_size'] = (int(round(cw * sx)), int(round(ch * sy)))
        results['input_size'] = (cw, ch)
        return results


@TRANSFORMS.register_module()
class PackBallInputs(BaseTransform):
    """Pack to ``inputs`` (3*S, h, w) uint8 tensor and a ``BaseDataElement``."""

    meta_keys: Sequence[str] = ('key', 'frame_idx', 'full_size', 'input_size')

    def transform(self, results: dict) -> dict:
        imgs = results['imgs']  # (S, h, w, 3)
        s, h, w, _ = imgs.shape
        inputs = torch.from_numpy(np.ascontiguousarray(imgs.transpose(0, 3, 1, 2)))
        sample = BaseDataElement(metainfo={k: results[k] for k in self.meta_keys
                                           if k in results})
        if 'gt_ball' in results:
            sample.gt_ball = np.asarray(results['gt_ball'], dtype=np.float64)
        if 'gt_heatmap' in results:
            sample.gt_heatmap = torch.from_numpy(results['gt_heatmap'])
        return dict(inputs=inputs.reshape(s * 3, h, w), data_samples=sample)
