"""A video's background image: the per-pixel median of frames spread over a span.

TrackNetV3 gives its tracker the median image of a rally as extra input channels: a
shuttle in flight is absent from the median, while the floor lines, the net, a racket
at rest or the shuttles lying on the court are in it, so the model can tell what moves
from what stays. Here the same image is defined for any length of video, so that
training on clips and streaming a whole match give the model the same input:

* frames are cut into segments of ``window`` frames, ``[k*window, (k+1)*window)``;
* a frame's background is the median of the *sampled* frames of its segment, the
  samples being the frames whose number is a multiple of
  :func:`background_step` (``window // 30``: about 30 samples a segment);
* a last, partial segment shorter than half a window takes the ``window`` frames
  that end the video instead (a short tail does not get a noisy median of a few
  frames); a video shorter than a window is one segment.

Streaming inference therefore looks at most one segment ahead (memory: one window of
resized frames), whatever the video's length. Torch-free.
"""
from typing import Iterable, Iterator, List, Optional, Tuple

import numpy as np

#: samples in a full segment; the sampling step is ``window // BACKGROUND_SAMPLES``
BACKGROUND_SAMPLES = 30


def check_window(window: int) -> int:
    """``window`` as an int, or ValueError unless it is a positive number of frames."""
    if int(window) != window or window < 1:
        raise ValueError(f'background_window must be a positive number of frames, '
                         f'got {window!r}')
    return int(window)


def background_step(window: int) -> int:
    """Frames between two samples of a segment: ``max(1, window // 30)``.

    >>> background_step(300), background_step(20)
    (10, 1)
    """
    return max(1, check_window(window) // BACKGROUND_SAMPLES)


def background_span(t: int, num_frames: int, window: int) -> Tuple[int, int]:
    """The frames ``[start, end)`` whose samples make frame ``t``'s background.

    >>> background_span(5, 200, 300)        # a clip shorter than a window: all of it
    (0, 200)
    >>> background_span(350, 700, 300)      # a full segment
    (300, 600)
    >>> background_span(650, 700, 300)      # a 100-frame tail: the last 300 frames
    (400, 700)
    >>> background_span(620, 800, 300)      # a 200-frame tail is its own segment
    (600, 800)
    """
    window = check_window(window)
    if not 0 <= t < num_frames:
        raise ValueError(f'frame {t} is outside a video of {num_frames} frames')
    start = (t // window) * window
    end = min(start + window, num_frames)
    if 2 * (end - start) < window and start > 0:
        start = max(0, end - window)
    return start, end


def background_samples(start: int, end: int, window: int) -> List[int]:
    """The sampled frame numbers in ``[start, end)`` (multiples of the step).

    >>> background_samples(0, 25, 300)
    [0, 10, 20]
    >>> background_samples(405, 705, 300)[:3]
    [410, 420, 430]
    """
    step = background_step(window)
    first = -(-start // step) * step
    samples = list(range(first, end, step))
    return samples or [start]


def median_image(frames: np.ndarray) -> np.ndarray:
    """Per-pixel lower median of ``frames`` (M, H, W, C) uint8 -> (H, W, C) uint8.

    The lower median (the ``(M-1)//2``-th smallest value) keeps the result an exact
    uint8 value of one of the frames; for odd M it is the median.
    """
    frames = np.asarray(frames)
    if frames.ndim != 4 or len(frames) == 0:
        raise ValueError(f'expected (M, H, W, C) frames with M >= 1, got {frames.shape}')
    k = (len(frames) - 1) // 2
    return np.partition(frames, k, axis=0)[k]


def with_background(items: Iterable[tuple], window: int,
                    small: int = 1) -> Iterator[tuple]:
    """Add each frame's background to a stream of per-frame tuples, in order.

    Args:
        items: tuples whose element ``small`` is the frame the background is made
            of (H, W, C) uint8 (e.g. ``(full_frame, resized_frame)``).
        window: segment length in frames (:func:`background_span`).
        small: which element of a tuple is that frame.

    Yields:
        ``item + (background,)`` for every item, the background (H, W, C) uint8 as
        :func:`background_span` defines it for the stream's final length. Items are
        held back until their segment is complete (at most ``window`` of them).
    """
    window = check_window(window)
    step = background_step(window)
    pending: List[tuple] = []
    samples: List[Tuple[int, np.ndarray]] = []  # (frame number, frame), this segment
    previous: List[Tuple[int, np.ndarray]] = []  # the segment before (for a short tail)
    n = 0
    for item in items:
        if n % step == 0:
            samples.append((n, item[small]))
        pending.append(item)
        n += 1
        if n % window == 0:  # a full segment: its own samples
            bg = median_image(np.stack([f for _, f in samples]))
            yield from (p + (bg,) for p in pending)
            pending.clear()
            previous, samples = samples, []
    if pending:
        start = n - len(pending)
        lo, _ = background_span(n - 1, n, window)
        chosen = [f for i, f in previous + samples if i >= lo] if lo < start else \
            [f for _, f in samples]
        bg = median_image(np.stack(chosen))
        yield from (p + (bg,) for p in pending)


def clip_background(read_frame, span: Tuple[int, int], window: int,
                    cache: Optional[dict] = None, key=None) -> np.ndarray:
    """The background of a span of a clip, reading its sampled frames with ``read_frame(i)``.

    ``cache`` (a dict) keeps the result under ``(key, span)``.
    """
    if cache is not None and (key, span) in cache:
        return cache[(key, span)]
    bg = median_image(np.stack([read_frame(i) for i in background_samples(*span, window)]))
    if cache is not None:
        cache[(key, span)] = bg
    return bg
