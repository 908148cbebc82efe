"""Choose a ball tracker's visibility threshold on a split of a labelled root.

    python tools/ball_tracking/choose_threshold.py CONFIG CHECKPOINT [--split train]
        [--clips KEY ...] [--thresholds 0.1 0.2 ...] [--max-gaps 4 8] [--max-jumps 120]
        [--raw raw.npz] [--out sweep.json]

Each clip of the split streams through the model once (decoded at threshold 0,
so every frame keeps its peak position and probability); the threshold is then
swept on those raw peaks (:mod:`mmsport.evaluation.ball_tracking_threshold`)
with the config's post-processing and tolerance (or a grid of its ``max_gap`` /
``max_jump``). Prints one row per setting and the best by F1. ``--raw`` keeps
the raw peaks in an npz, so a later sweep of the same model and clips skips the
model. Choose on the training split, report on the held-out one::

    python tools/test.py CONFIG CHECKPOINT --cfg-options model.codec.vis_thr=<best>

The command line is :mod:`mmsport.cli.ball_tracking_choose_threshold`; this module holds
the steps it runs (raw peaks, their cache, the clips of a split, the post-processing grid).
"""
import json
import os
from typing import Dict, List, Optional, Sequence

from mmsport.fileio.ball_tracking import list_ball_clips, read_clip_labels
from mmsport.fileio.errors import BallDataError
from mmsport.utils.atomic import atomic_open
from mmsport.video.frame_sources import open_frames
from .ball_tracking import BallTrackStreamer


def raw_clip_tracks(model, clips, io_settings: dict, batch_size: int = 16,
                    log=print) -> List[Dict]:
    """Per clip: labels and the model's raw peak in every frame.

    Args:
        model: a :class:`BallHeatmapTracker` in eval mode.
        clips: labelled :class:`~mmsport.fileio.ball_tracking.BallClip` s.
        io_settings: how the model is shown frames (:func:`tracker_io_settings`).
        batch_size: stacks per forward pass.

    Returns:
        list of dicts ``key, gt`` (N, 3), ``track`` (N, 3) code 1 with the peak's
        position in every frame, ``scores`` (N,) peak probabilities, ``width``.
    """
    streamer = BallTrackStreamer(model, batch_size=batch_size, **io_settings)
    codec = model.codec
    saved, codec.vis_thr = codec.vis_thr, 0.0  # every peak is a position
    out = []
    try:
        for i, clip in enumerate(clips, 1):
            frames = open_frames(clip.media)
            gt = read_clip_labels(clip, frames.size)
            track, scores = streamer.run(frames)
            if len(track) != len(gt):
                raise BallDataError(f'{clip.labels}: frame-count mismatch: {len(gt)} label '
                                    f'rows but {len(track)} frames in {clip.media}')
            out.append(dict(key=clip.key, gt=gt, track=track, scores=scores,
                            width=float(frames.size[0])))
            log(f'[{i}/{len(clips)}] {clip.key}: {len(track)} frames')
    finally:
        codec.vis_thr = saved
    return out


def raw_cache_key(config: str, checkpoint: str, clips, io_settings: dict) -> dict:
    """What a raw-peaks file depends on: the config, the checkpoint (path, size and
    modification time), the clip keys and how frames were shown to the model."""
    st = os.stat(checkpoint) if os.path.isfile(checkpoint) else None
    return dict(config=os.path.abspath(config), checkpoint=os.path.abspath(checkpoint),
                checkpoint_bytes=st.st_size if st else None,
                checkpoint_mtime=round(st.st_mtime, 3) if st else None,
                clips=[os.path.abspath(c.media) for c in clips],
                io={k: list(v) if isinstance(v, (tuple, list)) else v
                    for k, v in io_settings.items()})


def check_raw_cache_key(path: str, saved: Optional[dict], wanted: dict) -> None:
    """Raise :class:`BallDataError` naming ``path`` and what differs when a raw-peaks
    file was made for another config, checkpoint, clip list or input setting."""
    if saved is None:
        raise BallDataError(f'{path}: a raw-peaks file without its key (an older version); '
                            'delete it or pass another --raw to recompute')
    diff = [k for k in wanted if saved.get(k) != wanted[k]]
    if diff:
        what = '; '.join(f'{k}: file has {saved.get(k)!r}, this run {wanted[k]!r}'
                         for k in diff)
        raise BallDataError(f'{path}: raw peaks of another run ({what}); delete it or pass '
                            'another --raw')


def save_raw_tracks(path: str, records: Sequence[Dict], key: Optional[dict] = None) -> None:
    """Write :func:`raw_clip_tracks` records to one npz (atomically), with the
    :func:`raw_cache_key` they were made for."""
    import numpy as np
    arrays = {'cache_key': np.array(json.dumps(key))} if key is not None else {}
    for i, r in enumerate(records):
        for k in ('gt', 'track', 'scores'):
            arrays[f'{i}/{k}'] = np.asarray(r[k])
    arrays['keys'] = np.array([r['key'] for r in records])
    arrays['widths'] = np.array([r['width'] for r in records], np.float64)
    with atomic_open(path, 'wb') as f:
        np.savez(f, **arrays)


def load_raw_tracks(path: str, key: Optional[dict] = None) -> List[Dict]:
    """Records written by :func:`save_raw_tracks`; a truncated or foreign file, or
    (with ``key``) one made for another run, is an error naming it."""
    import zipfile

    import numpy as np
    try:
        with np.load(path) as z:
            if key is not None:
                saved = json.loads(str(z['cache_key'])) if 'cache_key' in z.files else None
                check_raw_cache_key(path, saved, key)
            keys, widths = z['keys'].tolist(), z['widths'].tolist()
            return [dict(key=k, width=w, **{n: z[f'{i}/{n}'] for n in ('gt', 'track', 'scores')})
                    for i, (k, w) in enumerate(zip(keys, widths))]
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as e:
        raise BallDataError(f'{path}: not a raw-peaks file of choose_threshold.py '
                            f'({type(e).__name__}: {e})') from e


def split_clips(cfg, split: str, keys: Optional[Sequence[str]] = None):
    """The clips of a config's ``train``/``val``/``test`` dataset (or ``keys`` of its root)."""
    ds = cfg.get(f'{split}_dataloader').dataset
    ds = ds.get('dataset', ds)  # through a wrapper such as RepeatDataset
    layout, clips = list_ball_clips(ds.data_root, ds.get('layout', 'auto'),
                                    keys if keys is not None else ds.get('clips'),
                                    ds.get('games'))
    return ds.data_root, layout, clips


def postprocess_grid(base: Optional[dict], max_gaps, max_jumps) -> List[Optional[dict]]:
    """Post-processing settings to try: the config's, or its grid over the given values."""
    if base is None and not (max_gaps or max_jumps):
        return [None]
    base = dict(base or {})
    gaps = max_gaps or [base.get('max_gap')]
    jumps = max_jumps or [base.get('max_jump')]
    grid = []
    for g in gaps:
        for j in jumps:
            pp = dict(base)
            pp.update({k: v for k, v in (('max_gap', g), ('max_jump', j)) if v is not None})
            grid.append(pp)
    return grid

