"""Streaming ball-tracking inference over any sequence of frames.

Memory is bounded by the stack and the batch, not by the video length: the
streamer keeps the resized frames a stack reaches back to (``stack_size``, or
``(stack_size - 1) * stride + 1`` on a high-frame-rate source) and one batch of stacks;
the only thing that grows is the (N, 3) track itself (24 bytes a frame). A model with a
background frame (``background_window``) also holds back one segment of frames (its
background is their median), e.g. 300 resized frames: 200 MB at 640x360, plus the same
number of full frames when they are kept for overlays (``keep_frames``, ``--vis``: 830 MB
at 1280x720).
"""
from collections import deque
from typing import Iterable, Iterator, Optional, Tuple

import numpy as np
import torch
from mmengine.config import Config

from mmsport.datasets.tennis_io import resize_frame
from mmsport.video.background import with_background
from mmsport.video.input_geometry import frame_stride, model_input_size
from mmsport.video.frame_sources import prefetch
from .inference import init_model


def tracker_io_settings(cfg: Config) -> dict:
    """How the model was shown frames (``stack_size``, ``input_size``, ``input_scale``,
    ``target_fps``), from its test dataset: keyword arguments of :class:`BallTrackStreamer`."""
    from mmsport.datasets.ball_tracking_dataset import BallTrackingDataset
    return BallTrackingDataset.io_settings(cfg.test_dataloader.dataset)


class BallTrackStreamer:
    """Run a :class:`BallHeatmapTracker` over a frame stream, one decode per frame.

    Frames are resized with their aspect ratio kept, to the size
    :func:`mmsport.video.input_geometry.model_input_size` gives for the stream's
    frame size, and stacked ``frame_stride(fps, target_fps)`` frames apart, as the
    dataset does in training and evaluation.

    Args:
        model: the tracker (eval mode).
        stack_size: S frames per stack (the newest frame is predicted).
        input_size: (w, h) frames are fitted inside (aspect kept).
        batch_size: stacks per forward pass.
        input_scale: scale frames by this factor instead of fitting them.
        target_fps: frame rate the model's stacks were sampled at (None: consecutive).
        background_window: the model takes each frame's background image
            (:mod:`mmsport.video.background`) as a last frame of its stack, as the
            dataset gave it in training; results then lag the input by up to this
            many frames. None: no background frame.
        cpu_speedup: on a CPU, run the model's backbone on a faster CPU path
            (:func:`~mmsport.models.trackers.fast_cpu_forward`): ``True`` / ``'auto'``
            ONNX Runtime when installed, else a traced, frozen channels-last copy
            (end to end 1.7x / 1.5x eager PyTorch on the shipped ``shuttlecock``,
            ``benchmarks/bench_shipped_tracker.py``); ``'onnxruntime'`` or
            ``'torchscript'`` to choose;
            ``False``: eager PyTorch. The same heatmaps to float rounding. Taken at
            construction: later changes to the model's weights are not seen.
        fold_input_scale: on that CPU path, feed the uint8 stacks as they are to a copy
            of the network with the preprocessor's ``x / 255`` folded into its first
            convolution (:func:`~mmsport.models.trackers.raw_input_net`; no scaling pass,
            a quarter of the bytes handed to ONNX Runtime). False: preprocess, then run.
    """

    def __init__(self, model, stack_size: int, input_size: Tuple[int, int],
                 batch_size: int = 16, input_scale: Optional[float] = None,
                 target_fps: Optional[float] = None, cpu_speedup=True,
                 background_window: Optional[int] = None, fold_input_scale: bool = True):
        self.model = model
        self.stack_size = stack_size
        self.input_size = tuple(input_size)
        self.batch_size = batch_size
        self.input_scale = input_scale
        self.target_fps = target_fps
        self.background_window = background_window
        self.device = next(model.parameters()).device
        self._forward = lambda inputs: model(inputs, mode='tensor')
        self._raw_input = False  # whether _forward takes the uint8 stacks as they are
        if cpu_speedup and self.device.type == 'cpu' and hasattr(model, 'backbone'):
            from mmsport.models.trackers.cpu_inference import fast_cpu_forward, raw_input_net
            from mmsport.models.trackers.flip_tta import inference_net
            backend = 'auto' if cpu_speedup is True else cpu_speedup
            raw = raw_input_net(model) if fold_input_scale else None  # x / 255 folded in
            self._raw_input = raw is not None
            net = inference_net(model.backbone if raw is None else raw,
                                getattr(model, 'test_cfg', {}))
            self._forward = fast_cpu_forward(net, backend)  # = mode='tensor'
        # which path runs the network
        self.cpu_backend = type(self._forward).__name__ + (', uint8 in' if self._raw_input else '')

    @torch.no_grad()
    def _infer(self, batch: np.ndarray, full_size: Tuple[int, int], want_heat: bool):
        inputs = torch.from_numpy(batch)  # (B, C, h, w) uint8
        if not self._raw_input:
            inputs = self.model.data_preprocessor(dict(inputs=inputs), False)['inputs']
        logits = self._forward(inputs).float()  # (B, h, w)
        if not want_heat:  # the sigmoid of the five values the codec reads, not of the map
            return (*self.model.codec.decode(logits, full_size, from_logits=True), None)
        probs = logits.sigmoid()
        balls, scores = self.model.codec.decode(probs, full_size)
        return balls, scores, probs.cpu().numpy()

    def stream(self, frames: Iterable[np.ndarray], keep_frames: bool = False,
               keep_heatmaps: bool = False, prefetch_frames: int = 8,
               fps: Optional[float] = None) -> Iterator[tuple]:
        """Predict the ball in every frame, yielding results in frame order.

        Args:
            frames: BGR uint8 frames (H, W, 3), all of one size; each is read once.
                Their ``fps`` attribute, if any, sets the frame stride.
            keep_frames: also yield the full-resolution frame (for overlays).
            keep_heatmaps: also yield the (h, w) probability map.
            prefetch_frames: decode up to this many frames ahead in a
                background thread (0: decode in this thread).
            fps: the frames' rate (default: ``frames.fps`` when it exists).

        Yields:
            tuple: ``(index, frame or None, ball (3,) = (code, x, y) at the
            frames' resolution, peak score, heatmap or None)``. Results lag the
            input by at most one batch (and one background segment).
        """
        s = self.stack_size
        fps = fps if fps is not None else getattr(frames, 'fps', None)
        stride = frame_stride(fps, self.target_fps)
        window = deque(maxlen=(s - 1) * stride + 1)  # the frames a stack reaches back to
        batch = None
        pending = []  # full frames of the current batch (only if keep_frames)
        full_size = size_in = None
        n = k = 0

        def prepare(frame):  # decode + resize run ahead in the prefetch thread
            nonlocal size_in
            size = (frame.shape[1], frame.shape[0])
            if size_in is None:  # fixed by the first frame (all frames share its size)
                size_in = model_input_size(size, self.input_size, self.input_scale)
            # (3, h, w) made contiguous once; each frame is copied into S stacks. The full
            # frame is only passed on for overlays (a held-back segment stays small).
            small = np.ascontiguousarray(resize_frame(frame, size_in).transpose(2, 0, 1))
            return (frame if keep_frames else None), size, small

        items = map(prepare, frames)
        if prefetch_frames > 0:
            items = prefetch(items, prefetch_frames)
        with_bg = bool(self.background_window)
        if with_bg:  # (frame, small, background (3, h, w)): one segment held back
            items = with_background(items, self.background_window, small=2)
        for frame, size, small, *bg in items:
            if full_size is None:
                full_size = size
                batch = np.empty((self.batch_size, 3 * (s + with_bg)) + small.shape[1:],
                                 np.uint8)
            elif size != full_size:
                raise ValueError(f'frame {n} is {size[0]}x{size[1]}, '
                                 f'expected {full_size[0]}x{full_size[1]}')
            if not window:
                window.extend([small] * window.maxlen)  # the first frame before the start
            else:
                window.append(small)
            np.concatenate([window[j] for j in range(0, window.maxlen, stride)] + bg, axis=0,
                           out=batch[k])
            pending.append(frame)
            k += 1
            n += 1
            if k == self.batch_size:
                yield from self._emit(batch, k, n, full_size, pending, keep_heatmaps)
                k = 0
        if k:
            yield from self._emit(batch, k, n, full_size, pending, keep_heatmaps)

    def _emit(self, batch, k, n, full_size, pending, keep_heatmaps):
        balls, scores, heat = self._infer(batch[:k], full_size, keep_heatmaps)
        for j in range(k):
            yield (n - k + j, pending[j], balls[j], float(scores[j]),
                   None if heat is None else heat[j])
        pending.clear()

    def run(self, frames: Iterable[np.ndarray]) -> Tuple[np.ndarray, np.ndarray]:
        """All raw predictions of a stream: ``track`` (N, 3) and ``scores`` (N,)."""
        rows = [(ball, score) for _, _, ball, score, _ in self.stream(frames)]
        if not rows:
            return np.zeros((0, 3)), np.zeros((0,))
        return np.stack([r[0] for r in rows]), np.array([r[1] for r in rows])


# The tracker needs nothing beyond the generic initialisation.
init_tracker = init_model
