"""Tiny ball-tracking data in every public layout, made from a seed-layout split.

Used by tests (and anyone checking a reader) instead of the real datasets:
the frames and labels of each ``game*/clip*`` of a seed split are rewritten
as the TrackNet tennis layout, the Shuttlecock Trajectory Dataset layout or
video + normalised CSV pairs (``docs/formats.md``).
"""
import csv
import os
import shutil
from typing import List

import cv2
import numpy as np

from mmsport.fileio.ball_tracking import list_ball_clips, list_frame_files, read_game_labels

TRACKNET_HEADERS = {
    'standard': ['file name', 'visibility', 'x-coordinate', 'y-coordinate', 'status'],
    'reworded': ['File Name', 'Visibility Class', 'X', 'Y', 'Trajectory Pattern'],
}


def write_video(path: str, frames: List[str], fps: float = 30.0) -> None:
    """Encode jpg frames into an mp4 (OpenCV's mp4v) at their own size."""
    first = cv2.imread(frames[0])
    h, w = first.shape[:2]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    vw = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'), fps, (w, h))
    for f in frames:
        vw.write(cv2.imread(f))
    vw.release()


def _write_csv(path: str, header, rows) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def write_ball_layout(seed_split: str, out: str, layout: str,
                      tracknet_header: str = 'standard', fps: float = 30.0) -> str:
    """Rewrite every clip of a seed split (``game*/clip*``) in another layout.

    Args:
        seed_split: a split root of the seed layout (e.g. from
            :func:`make_tiny_tennis_data`).
        out: the new root.
        layout: ``'tracknet'``, ``'shuttlecock'`` or ``'video_csv'``.
        tracknet_header: ``'standard'`` or ``'reworded'`` (a variant seen in copies).
        fps: frame rate of the written videos (the real shuttlecock rallies: 30).

    Returns:
        ``out``. Clip ``game<G>/clip<C>`` becomes ``game<G>/Clip<C>``
        (tracknet), ``match<G>/video/<C>.mp4`` (shuttlecock) or
        ``g<G>c<C>.mp4`` (video_csv).
    """
    _, clips = list_ball_clips(seed_split, 'seed')
    for clip in clips:
        game, name = clip.key.split('/')
        g, c = game[4:], name[4:]
        frames = list_frame_files(clip.media)
        lab = read_game_labels(clip.labels)
        h, w = cv2.imread(frames[0]).shape[:2]
        on = lab[:, 0] != 0
        if layout == 'tracknet':
            dst = os.path.join(out, f'game{g}', f'Clip{c}')
            os.makedirs(dst, exist_ok=True)
            for f in frames:
                shutil.copy(f, dst)
            rows = [[f'{i:04d}.jpg', int(k), f'{x:.0f}' if k else '', f'{y:.0f}' if k else '', 0]
                    for i, (k, x, y) in enumerate(lab)]
            _write_csv(os.path.join(dst, 'Label.csv'), TRACKNET_HEADERS[tracknet_header], rows)
        elif layout == 'shuttlecock':
            write_video(os.path.join(out, f'match{g}', 'video', f'{c}.mp4'), frames, fps)
            rows = [[i, int(v), f'{x:.0f}' if v else 0, f'{y:.0f}' if v else 0]
                    for i, (v, x, y) in enumerate(zip(on, lab[:, 1], lab[:, 2]))]
            _write_csv(os.path.join(out, f'match{g}', 'csv', f'{c}_ball.csv'),
                       ['Frame', 'Visibility', 'X', 'Y'], rows)
        elif layout == 'video_csv':
            stem = f'g{g}c{c}'
            write_video(os.path.join(out, f'{stem}.mp4'), frames, fps)
            xs = np.where(on, lab[:, 1] / w, -1)
            ys = np.where(on, lab[:, 2] / h, -1)
            rows = [[i, int(v), f'{x:.4f}' if v else -1, f'{y:.4f}' if v else -1]
                    for i, (v, x, y) in enumerate(zip(on, xs, ys))]
            _write_csv(os.path.join(out, f'{stem}.csv'), ['Frame', 'Ball', 'x', 'y'], rows)
        else:
            raise ValueError(f'unknown layout {layout!r}')
    return out
