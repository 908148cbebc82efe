"""Ball-tracking inference on videos, clip folders or whole dataset roots.

    >>> from mmsport.apis import BallTrackingInferencer
    >>> tracker = BallTrackingInferencer('configs/ball_tracking/...py', 'ckpt.pth')
    >>> res = tracker('rally.mp4', out_dir='preds')   # writes preds/rally.csv
    >>> res['predictions'][0]['track'].shape           # (N, 3) (code, x, y)

Each video or clip streams through the model once (every frame decoded once,
also with ``vis=True``; memory stays flat as videos get longer). One CSV per
clip, ``<out_dir>/<clip key>.csv`` with ``frame,code,x,y`` at the source
resolution. A bad input is reported in its result and the others carry on;
every output is written atomically.
"""
import contextlib
import csv
import os
import time
from collections import deque
from typing import List, Optional, Sequence, Tuple

import numpy as np
from mmsport.fileio.ball_tracking import (FRAME_RE, PREDICTION_HEADER, BallClip,
                                          list_ball_clips, read_clip_labels)
from mmsport.fileio.errors import BallDataError
from mmsport.registry import INFERENCERS
from mmsport.video.frame_sources import open_frames
from ..ball_tracking import BallTrackStreamer, tracker_io_settings
from .file_inferencer import FileInferencer


def collect_ball_inputs(inputs: Sequence[str], out_dir: str = '',
                        log=print) -> List[Tuple[BallClip, str]]:
    """``[(clip, output csv)]`` for videos, clip folders and roots of any layout.

    A video with a ``<stem>.csv`` beside it takes that file as its labels
    (used by overlays); a root is searched with :func:`list_ball_clips`.
    """
    items = []
    for inp in inputs:
        if os.path.isfile(inp) or not os.path.exists(inp):
            stem = os.path.splitext(os.path.basename(inp))[0]
            lab = os.path.splitext(inp)[0] + '.csv'
            clip = BallClip(stem, inp, lab if os.path.isfile(lab) else None, 'video_csv')
        elif any(FRAME_RE.match(n) for n in os.listdir(inp)):
            lab = next((os.path.join(inp, n) for n in sorted(os.listdir(inp))
                        if n.lower() in ('labels.csv', 'label.csv')), None)
            clip = BallClip(os.path.basename(os.path.normpath(inp)), inp, lab, 'seed')
        else:
            layout, clips = list_ball_clips(inp)
            log(f'{inp}: {layout} layout, {len(clips)} clip(s)')
            items.extend((c, os.path.join(out_dir, f'{c.key}.csv')) for c in clips)
            continue
        items.append((clip, os.path.join(out_dir, f'{clip.key}.csv')))
    return items


def track_clip(streamer: BallTrackStreamer, clip: BallClip, out_csv: Optional[str],
               postprocess: Optional[dict] = None, vis: bool = False, tail: int = 8) -> dict:
    """Track the ball through one clip in a single pass.

    Every frame is decoded once: the CSV row, the heatmap overlay and the
    track overlay of a frame all come from that decode (the post-processed
    track lags the stream by a bounded number of frames).

    Args:
        streamer: the model wrapped for streaming.
        clip: the video or clip folder (labels, if any, feed the overlay).
        out_csv: prediction file to write, or None.
        postprocess: kwargs of ``StreamingTrajectoryPostprocessor``, or None.
        vis: also write ``<out>_heatmap.mp4`` and ``<out>_track.mp4``.
        tail: trajectory tail drawn in the track overlay (frames).

    Returns:
        dict: ``key, source, track`` (N, 3), ``frames``, ``seconds``,
        ``error`` (None, or the message; the clip's outputs are then not written).
    """
    from mmsport.evaluation.functional.tracking import sibatracc_errors
    from mmsport.models.trackers.trajectory import StreamingTrajectoryPostprocessor
    from mmsport.utils.atomic import atomic_open
    from mmsport.visualization import (TrackingVideoWriter, draw_ball_overlay,
                                       draw_heatmap_overlay)
    t0 = time.time()
    rows: List[np.ndarray] = []
    try:
        frames = open_frames(clip.media)
        gt = read_clip_labels(clip, frames.size) if (vis and clip.labels) else None
        pp = StreamingTrajectoryPostprocessor(**postprocess) if postprocess is not None else None
        recent = deque(maxlen=tail + 1)
        err_sum = 0.0
        with contextlib.ExitStack() as stack:
            writer = None
            if out_csv:
                writer = csv.writer(stack.enter_context(atomic_open(out_csv, 'w', newline='')))
                writer.writerow(PREDICTION_HEADER)
            heat_vw = track_vw = None
            if vis:
                stem = os.path.splitext(out_csv)[0]
                heat_vw = stack.enter_context(
                    TrackingVideoWriter(f'{stem}_heatmap.mp4', frames.fps, frames.size))
                track_vw = stack.enter_context(
                    TrackingVideoWriter(f'{stem}_track.mp4', frames.fps, frames.size))

            def finalise(i, row, frame):
                nonlocal err_sum
                code, x, y = row
                rows.append(np.asarray(row, dtype=np.float64))
                if writer is not None:
                    writer.writerow([i, 0, '', ''] if code == 0 else
                                    [i, int(code), f'{x:.1f}', f'{y:.1f}'])
                if track_vw is None:
                    return
                recent.append(row)
                text, g = f'frame {i}', None
                if gt is not None:
                    if i >= len(gt):
                        raise BallDataError(f'{clip.labels}: frame-count mismatch: {len(gt)} '
                                            'label rows, more frames in the clip')
                    g = gt[i]
                    err_sum += float(sibatracc_errors(gt[i:i + 1], row[None])[0])
                    text += f'  SiBaTrAcc {1 - err_sum / (5 * (i + 1)):.3f}'
                track_vw.write(draw_ball_overlay(frame, list(recent), g, text))

            n_out = 0
            for i, frame, ball, _, heat in streamer.stream(frames, keep_frames=vis,
                                                           keep_heatmaps=vis):
                if heat_vw is not None:
                    heat_vw.write(draw_heatmap_overlay(frame, heat, text=f'frame {i}'))
                for j, row, fr in (pp.push(ball, frame) if pp is not None else [(i, ball, frame)]):
                    finalise(j, row, fr)
                n_out = i + 1
            for j, row, fr in (pp.flush() if pp is not None else []):
                finalise(j, row, fr)
            if gt is not None and len(gt) != n_out:
                raise BallDataError(f'{clip.labels}: frame-count mismatch: {len(gt)} label '
                                    f'rows but {n_out} frames')
        error = None
    except Exception as e:  # reported in the result; the batch carries on
        error, rows = f'{type(e).__name__}: {e}', []
    track = np.stack(rows) if rows else np.zeros((0, 3))
    return dict(key=clip.key, source=clip.media, csv=out_csv, track=track, frames=len(track),
                seconds=time.time() - t0, error=error)


@INFERENCERS.register_module()
class BallTrackingInferencer(FileInferencer):
    """mmengine inferencer for :class:`BallHeatmapTracker` models.

    Args:
        model: config path or Config of a ball-tracking model.
        weights: checkpoint path.
        device: e.g. ``'cpu'`` or ``'cuda:0'`` (None: the best available).
        batch_size: stacks per forward pass while streaming.
        show_progress: a progress bar over the clips.
        cpu_speedup: on a CPU, run the network through ONNX Runtime when installed,
            else a traced, frozen channels-last copy (:class:`~mmsport.apis.BallTrackStreamer`;
            the same tracks, faster); ``False``: eager PyTorch.

    Call with a path or a list of paths (videos, clip folders, dataset roots)
    and ``out_dir``; keyword options ``vis`` (overlay videos), ``tail``,
    ``postprocess`` (False: raw per-frame decodes). Returns
    ``{'predictions': [track_clip(...) result, ...]}``.
    """

    forward_kwargs: set = {'vis', 'tail', 'postprocess'}

    def __init__(self, model, weights: Optional[str] = None, device: Optional[str] = None,
                 batch_size: int = 16, show_progress: bool = True, cpu_speedup=True):
        super().__init__(model, weights, device, show_progress)
        self.streamer = BallTrackStreamer(self.model, batch_size=batch_size,
                                          cpu_speedup=cpu_speedup,
                                          **tracker_io_settings(self.cfg))
        metric = self.cfg.get('test_evaluator', {})
        self.postprocess_cfg = metric.get('postprocess') if isinstance(metric, dict) else None

    def preprocess(self, inputs, batch_size: int = 1, out_dir: str = ''):
        """One item per clip: ``(BallClip, output csv or None)``."""
        for clip, out_csv in collect_ball_inputs(inputs, out_dir or ''):
            yield clip, (out_csv if out_dir else None)

    def forward(self, item, vis: bool = False, tail: int = 8, postprocess: bool = True):
        clip, out_csv = item
        if vis and not out_csv:
            raise ValueError('vis=True needs an out_dir for the overlay videos')
        return [track_clip(self.streamer, clip, out_csv,
                           self.postprocess_cfg if postprocess else None, vis, tail)]
