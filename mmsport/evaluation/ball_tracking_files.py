"""Score ball-tracking prediction files against a labelled root of any layout.

Predictions are ``<pred_root>/<clip key>.csv`` files of ``frame,code,x,y`` at
full resolution (what ``tools/inference.py`` writes), so every layout is
scored the same way. Torch-free (OpenCV only probes video sizes).
"""
from collections import defaultdict
from typing import Dict, Optional

import numpy as np

from mmsport.fileio.ball_tracking import (list_ball_clips, list_frame_files,
                                          read_clip_labels, read_prediction_csv)
from mmsport.fileio.errors import BallDataError
from .functional.tracking import sibatracc, tracknet_counts, tracknet_scores, tracknet_tolerance


def clip_frame_size(clip) -> tuple:
    """(W, H) of a clip's frames (video container or first jpg)."""
    return clip_frames(clip)[0]


def clip_frames(clip) -> tuple:
    """``((W, H), frame count)`` of a clip: the video container's, or its jpgs'."""
    if clip.is_video:
        from mmsport.video.frame_cache import probe_video
        size, n_frames, _ = probe_video(clip.media)
        return size, n_frames
    from PIL import Image
    frames = list_frame_files(clip.media)
    if not frames:
        raise BallDataError(f'{clip.media}: no jpg frames')
    with Image.open(frames[0]) as im:
        return im.size, len(frames)


def evaluate_tracking_files(labels_root: str, pred_root: str, tol: Optional[float] = None,
                            layout: str = 'auto', clips=None) -> Dict:
    """SiBaTrAcc per clip and TrackNet's scores over all frames.

    Args:
        labels_root: a root of one of the layouts of :mod:`mmsport.fileio.ball_tracking`.
        pred_root: folder of ``<key>.csv`` prediction files.
        tol: tolerance in full-resolution pixels; None = TrackNetV2's 4 px at
            512x288 scaled to each clip's width.
        layout: ``'auto'`` or a layout name.
        clips: keys to score (None: every labelled clip).

    Returns:
        dict: ``SiBaTrAcc`` (mean over clips), ``per_clip``, ``accuracy``,
        ``precision``, ``recall``, ``f1``, counts ``tp fp1 fp2 fn tn``,
        ``tol`` (largest tolerance used) and ``layout``.
    """
    layout, found = list_ball_clips(labels_root, layout, clips)
    found = [c for c in found if c.labels is not None]
    if not found:
        raise BallDataError(f'{labels_root}: no labelled clips ({layout} layout)')
    per_clip, counts, tols = {}, defaultdict(int), []
    for clip in found:
        size, n_frames = clip_frames(clip)
        gt = read_clip_labels(clip, size)
        if n_frames != len(gt):  # label rows vs frames (a video cut short is not "ok")
            what = 'frames in the video' if clip.is_video else 'jpg frames in'
            raise BallDataError(f'{clip.labels}: frame-count mismatch: {len(gt)} label '
                                f'rows but {n_frames} {what} {clip.media}')
        pred = read_prediction_csv(f'{pred_root}/{clip.key}.csv', len(gt), size)
        per_clip[clip.key] = sibatracc(gt, pred)
        t = float(tol) if tol is not None else tracknet_tolerance(size[0])
        tols.append(t)
        for k, v in tracknet_counts(gt, pred, t).items():
            counts[k] += v
    out = dict(SiBaTrAcc=float(np.mean(list(per_clip.values()))), per_clip=per_clip)
    out.update(tracknet_scores(counts))
    out.update(counts)
    out.update(tol=max(tols), layout=layout)
    return out
