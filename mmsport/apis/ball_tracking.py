"""Streaming ball-tracking inference over any sequence of frames.

Memory is bounded by the stack and the batch, not by the video length: the
streamer keeps the last ``stack_size`` resized frames and one batch of stacks;
the only thing that grows is the (N, 3) track itself (24 bytes a frame).
"""
from collections import deque
from typing import Iterable, Iterator, Tuple

import numpy as np
import torch
from mmengine.config import Config

from mmsport.datasets.tennis_io import resize_frame
from .inference import init_model
from .video_io import prefetch


def tracker_io_settings(cfg: Config) -> Tuple[int, Tuple[int, int]]:
    """(stack_size, input_size) the model was trained with, from its test dataset."""
    ds = cfg.test_dataloader.dataset
    return int(ds.get('stack_size', 3)), tuple(ds.get('input_size', (320, 180)))


class BallTrackStreamer:
    """Run a :class:`BallHeatmapTracker` over a frame stream, one decode per frame.

    Args:
        model: the tracker (eval mode).
        stack_size: S frames per stack (the newest frame is predicted).
        input_size: (w, h) the model takes.
        batch_size: stacks per forward pass.
    """

    def __init__(self, model, stack_size: int, input_size: Tuple[int, int],
                 batch_size: int = 16):
        self.model = model
        self.stack_size = stack_size
        self.input_size = tuple(input_size)
        self.batch_size = batch_size
        self.device = next(model.parameters()).device

    @torch.no_grad()
    def _infer(self, batch: np.ndarray, full_size: Tuple[int, int], want_heat: bool):
        data = self.model.data_preprocessor(dict(inputs=torch.from_numpy(batch)), False)
        logits = self.model(data['inputs'], mode='tensor').float()  # (B, h, w)
        if not want_heat:  # the sigmoid of the five values the codec reads, not of the map
            return (*self.model.codec.decode(logits, full_size, from_logits=True), None)
        probs = logits.sigmoid()
        balls, scores = self.model.codec.decode(probs, full_size)
        return balls, scores, probs.cpu().numpy()

    def stream(self, frames: Iterable[np.ndarray], keep_frames: bool = False,
               keep_heatmaps: bool = False, prefetch_frames: int = 8) -> Iterator[tuple]:
        """Predict the ball in every frame, yielding results in frame order.

        Args:
            frames: BGR uint8 frames (H, W, 3), all of one size; each is read once.
            keep_frames: also yield the full-resolution frame (for overlays).
            keep_heatmaps: also yield the (h, w) probability map.
            prefetch_frames: decode up to this many frames ahead in a
                background thread (0: decode in this thread).

        Yields:
            tuple: ``(index, frame or None, ball (3,) = (code, x, y) at the
            frames' resolution, peak score, heatmap or None)``. Results lag the
            input by at most one batch.
        """
        s, (w, h) = self.stack_size, self.input_size
        window = deque(maxlen=s)
        batch = np.empty((self.batch_size, 3 * s, h, w), np.uint8)
        pending = []  # full frames of the current batch (only if keep_frames)
        full_size = None
        n = k = 0

        def prepare(frame):  # decode + resize run ahead in the prefetch thread
            # (3, h, w) made contiguous once; each frame is copied into S stacks
            return frame, np.ascontiguousarray(resize_frame(frame, (w, h)).transpose(2, 0, 1))

        items = map(prepare, frames)
        if prefetch_frames > 0:
            items = prefetch(items, prefetch_frames)
        for frame, small in items:
            size = (frame.shape[1], frame.shape[0])
            if full_size is None:
                full_size = size
            elif size != full_size:
                raise ValueError(f'frame {n} is {size[0]}x{size[1]}, '
                                 f'expected {full_size[0]}x{full_size[1]}')
            if not window:
                window.extend([small] * s)  # repeat the first frame before the start
            else:
                window.append(small)
            np.concatenate(window, axis=0, out=batch[k])
            pending.append(frame if keep_frames else None)
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
