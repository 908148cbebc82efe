"""Streaming clip decoding for teacher features (:mod:`.extract_features`).

For one half: :func:`clip_indices` gives the source frames of every timestep's clip,
:func:`decode_size` gives the frame size to decode at (``open_video`` opens it there) and
:func:`iter_clip_batches` reads it once, forward, through a ring buffer and yields
the clips ``batch_size`` at a time. Also holds the tool's logger (:func:`_logger`).
"""
import numpy as np

LOGGER_NAME = 'mmsport-extract-features'


def _logger():
    from mmengine.logging import MMLogger
    return (MMLogger.get_instance(LOGGER_NAME) if MMLogger.check_instance_created(LOGGER_NAME)
            else MMLogger.get_instance(LOGGER_NAME, log_level='INFO'))


def clip_indices(n_frames: int, video_fps: float, fps: float, clip_len: int,
                 clip_step: int) -> np.ndarray:
    """(N, clip_len) source frames of every timestep's clip, clamped to the half.

    ``N = half_timesteps(n_frames, video_fps, fps)``; clip ``t`` is centred on
    ``timestep_frames`` of ``t``: frames ``c_t + (i - clip_len // 2) * clip_step``.
    """
    from mmsport.datasets.transforms.soccer_clip_transforms import (half_timesteps,
                                                                    timestep_frames)
    n_t = half_timesteps(n_frames, video_fps, fps)
    centres = timestep_frames(0, n_t, fps, video_fps, n_frames)  # (N,)
    offsets = (np.arange(clip_len) - clip_len // 2) * clip_step  # (L,)
    return np.clip(centres[:, None] + offsets[None], 0, n_frames - 1).astype(np.int64)


def iter_clip_batches(reader, indices: np.ndarray, batch_size: int, chunk_frames: int,
                      path: str = '?', stats: dict = None):
    """Stream a half once and yield its clips in order, ``batch_size`` at a time.

    The sorted unique frames of ``indices`` are decoded forward in chunks of
    ``chunk_frames`` (one ``get_batch`` each) into a ring buffer of
    ``span + chunk_frames`` frames, ``span`` being the most unique frames any one
    clip's range covers; clip ``t`` is copied out once its last frame is decoded.
    Before chunk ``[p, p + chunk)`` is decoded, every clip ending before ``p`` has been
    cut, and the others start at or after ``p - span + 1``: the live frames never
    exceed the buffer.

    Args:
        reader: from ``open_video`` (frames at the wanted size).
        indices: (N, L) source frames per clip; the per-clip min and max must be
            non-decreasing in clip order (true of :func:`clip_indices`).
        batch_size: clips per yielded batch.
        chunk_frames: frames per decode call.
        path: the video, for error messages.
        stats: optional dict, filled with ``decoded_frames``, ``decode_calls``,
            ``buffer_frames`` (ring capacity), ``unique_frames``.

    Yields:
        (first clip index, (B, L, H, W, 3) uint8 clips); the last batch may be short.
    """
    from mmsport.fileio.soccernet import SoccerNetDataError
    from mmsport.datasets.transforms.soccer_clip_transforms import decode_rgb
    indices = np.asarray(indices, np.int64)
    n, _ = indices.shape
    needed = np.unique(indices)  # sorted, each decoded once
    pos = np.searchsorted(needed, indices)  # (N, L) ring positions
    first, last = pos.min(1), pos.max(1)
    if np.any(np.diff(first) < 0) or np.any(np.diff(last) < 0):
        raise ValueError('clip frame ranges must be non-decreasing in clip order')
    span = int((last - first).max()) + 1
    cap = span + int(chunk_frames)
    stats = {} if stats is None else stats
    stats.update(decoded_frames=0, decode_calls=0, buffer_frames=cap,
                 unique_frames=int(needed.size))
    ring, t, batch = None, 0, []
    for p in range(0, needed.size, chunk_frames):
        frames = decode_rgb(reader, needed[p:p + chunk_frames], path)  # (c, H, W, 3)
        if len(frames) != min(chunk_frames, needed.size - p):
            end = needed[min(p + chunk_frames, needed.size) - 1]
            raise SoccerNetDataError(f'{path}: decoder returned {len(frames)} frames for '
                                     f'frames {needed[p]}..{end}')
        if ring is None:
            ring = np.empty((cap, ) + frames.shape[1:], np.uint8)
        slots = np.arange(p, p + len(frames)) % cap
        ring[slots] = frames
        stats['decoded_frames'] += len(frames)
        stats['decode_calls'] += 1
        decoded = p + len(frames)
        while t < n and last[t] < decoded:
            batch.append(ring[pos[t] % cap])  # fancy indexing: a copy (L, H, W, 3)
            t += 1
            if len(batch) == batch_size:
                yield t - len(batch), np.stack(batch)
                batch = []
    if batch:
        yield t - len(batch), np.stack(batch)
    assert t == n, (t, n)


def decode_size(video: str, input_size=None, short_side=None) -> tuple:
    """(W, H) to decode ``video`` at: ``input_size`` (W, H), or ``short_side`` keeping the
    aspect ratio (one of the two is needed)."""
    if input_size is not None:
        return tuple(int(v) for v in input_size)
    from mmsport.datasets.transforms.soccer_clip_transforms import decode_rgb
    from mmsport.datasets.transforms.soccer_window_transforms import open_video
    vr = open_video(video)
    h, w = decode_rgb(vr, [0], video).shape[1:3]
    del vr
    s = int(short_side)
    return (s, max(1, int(round(h * s / w)))) if w < h else \
        (max(1, int(round(w * s / h))), s)
