"""Inference entry point for every mmsport task, chosen by the config's model.

* a ball-tracking model (below);
* a ball-action spotting model: ``tools/inference_spotting.py`` (a raw match
  video or a SoccerNet root -> spots JSON/CSV, raw scores);
* a transformer action spotter (ViViTSpotter): ``tools/inference_transformer_spotting.py``
  (a raw match video or a SoccerNet root -> spots JSON/CSV, raw scores, submission);
* a re-identification model: ``tools/reid/match_crops.py`` (a folder of crops
  matched against a saved gallery: ``--gallery fold0/gallery.npz``);
* an action recognizer: ``tools/recognition/classify_video.py`` (raw videos -> class
  scores JSON, optionally fused with a detector).

Ball-tracking inference on raw videos or tennis clip folders:

    python tools/inference.py CONFIG CHECKPOINT INPUT [INPUT ...] --out-dir DIR
        [--nproc N] [--vis] [--device cpu|cuda] [--batch-size 16]

INPUT is a video file (mp4/mkv/..., any length and resolution), a folder of
videos, one clip folder (0000.jpg, ...), or a split root holding game*/clip*.
Writes one CSV per video/clip with columns ``frame,code,x,y`` at the source
resolution (x, y empty when code is 0): ``DIR/<video stem>.csv`` or
``DIR/game<G>/clip<C>.csv``. Frames stream through the model (each decoded
once, also with ``--vis``; memory stays flat as videos get longer). ``--vis``
also writes ``<name>_heatmap.mp4`` and ``<name>_track.mp4`` (ball, trajectory
tail, running SiBaTrAcc when labels exist).

A bad video or clip is reported and skipped; every output is written
atomically, so nothing already written is lost. Exit status is 1 if any input
failed.
"""
import argparse
import contextlib
import csv
import multiprocessing as mp
import os
import sys
import time
from collections import deque

VIDEO_EXTS = ('.mp4', '.mkv', '.avi', '.mov', '.webm', '.m4v')


def parse_args(argv=None):
    p = argparse.ArgumentParser(description='mmsport ball-tracking inference')
    p.add_argument('config')
    p.add_argument('checkpoint')
    p.add_argument('inputs', nargs='+', help='videos, video folders, clip folders or split roots')
    p.add_argument('--out-dir', required=True)
    p.add_argument('--nproc', type=int, default=1, help='worker processes')
    p.add_argument('--device', default='cpu')
    p.add_argument('--batch-size', type=int, default=16)
    p.add_argument('--vis', action='store_true', help='also write overlay videos')
    p.add_argument('--tail', type=int, default=8, help='trajectory tail length (frames)')
    p.add_argument('--no-postprocess', action='store_true',
                   help='write raw per-frame decodes (no gap filling / outlier rejection)')
    return p.parse_args(argv)


def collect_items(inputs, out_dir):
    """[(source path, output csv, labels.csv or None)] for every input."""
    from mmsport.datasets.tennis_io import list_clips
    items = []
    for inp in inputs:
        if os.path.isfile(inp) or not os.path.exists(inp):
            stem = os.path.splitext(os.path.basename(inp))[0]
            items.append((inp, os.path.join(out_dir, f'{stem}.csv'), None))
        elif os.path.exists(os.path.join(inp, '0000.jpg')):
            lab = os.path.join(inp, 'labels.csv')
            name = os.path.basename(os.path.normpath(inp))
            items.append((inp, os.path.join(out_dir, f'{name}.csv'),
                          lab if os.path.exists(lab) else None))
        else:
            clips = list_clips(inp)
            if clips:
                for key, clip_dir in clips:
                    lab = os.path.join(clip_dir, 'labels.csv')
                    items.append((clip_dir, os.path.join(out_dir, f'{key}.csv'),
                                  lab if os.path.exists(lab) else None))
            else:
                for name in sorted(os.listdir(inp)):
                    if name.lower().endswith(VIDEO_EXTS):
                        items.append((os.path.join(inp, name),
                                      os.path.join(out_dir, f'{os.path.splitext(name)[0]}.csv'),
                                      None))
    return items


_STATE = {}


def _init_worker(config, checkpoint, device, batch_size, threads):
    import torch
    torch.set_num_threads(threads)
    from mmsport.apis import BallTrackStreamer, init_tracker, tracker_io_settings
    model = init_tracker(config, checkpoint, device)
    stack, size = tracker_io_settings(model.cfg)
    _STATE['streamer'] = BallTrackStreamer(model, stack, size, batch_size)
    metric_cfg = model.cfg.get('test_evaluator', {})
    _STATE['postprocess'] = metric_cfg.get('postprocess', None) if isinstance(
        metric_cfg, dict) else None


def process_item(item, vis=False, tail=8, postprocess=True):
    """Run one video/clip in a single pass; returns (source, error or None, frames, seconds).

    Every frame is decoded once: the CSV row, the heatmap overlay and the
    track overlay of a frame are all written from that one decode (the
    post-processed track lags the stream by a bounded number of frames).
    """
    from mmsport.apis import open_frames
    from mmsport.datasets.tennis_io import TennisDataError, read_labels_csv
    from mmsport.evaluation.functional import sibatracc_errors
    from mmsport.models.trackers.trajectory import StreamingTrajectoryPostprocessor
    from mmsport.utils import atomic_open
    from mmsport.visualization import (TrackingVideoWriter, draw_ball_overlay,
                                       draw_heatmap_overlay)
    src, out_csv, labels_path = item
    t0 = time.time()
    n_out = 0
    try:
        frames = open_frames(src)
        stem = os.path.splitext(out_csv)[0]
        gt = read_labels_csv(labels_path) if (vis and labels_path) else None
        pp_cfg = _STATE.get('postprocess') if postprocess else None
        pp = StreamingTrajectoryPostprocessor(**pp_cfg) if pp_cfg is not None else None
        recent = deque(maxlen=tail + 1)
        err_sum = 0.0
        with contextlib.ExitStack() as stack:
            f = stack.enter_context(atomic_open(out_csv, 'w', newline=''))
            writer = csv.writer(f)
            writer.writerow(['frame', 'code', 'x', 'y'])
            heat_vw = track_vw = None
            if vis:
                heat_vw = stack.enter_context(
                    TrackingVideoWriter(f'{stem}_heatmap.mp4', frames.fps, frames.size))
                track_vw = stack.enter_context(
                    TrackingVideoWriter(f'{stem}_track.mp4', frames.fps, frames.size))

            def finalise(i, row, frame):
                nonlocal err_sum
                code, x, y = row
                writer.writerow([i, 0, '', ''] if code == 0 else
                                [i, int(code), f'{x:.1f}', f'{y:.1f}'])
                if track_vw is None:
                    return
                recent.append(row)
                text = f'frame {i}'
                g = None
                if gt is not None:
                    if i >= len(gt):
                        raise TennisDataError(f'{labels_path}: frame-count mismatch: '
                                              f'{len(gt)} label rows, more frames in the clip')
                    g = gt[i]
                    err_sum += float(sibatracc_errors(gt[i:i + 1], row[None])[0])
                    text += f'  SiBaTrAcc {1 - err_sum / (5 * (i + 1)):.3f}'
                track_vw.write(draw_ball_overlay(frame, list(recent), g, text))

            for i, frame, ball, _, heat in _STATE['streamer'].stream(
                    frames, keep_frames=vis, keep_heatmaps=vis):
                if heat_vw is not None:
                    heat_vw.write(draw_heatmap_overlay(frame, heat, text=f'frame {i}'))
                done = pp.push(ball, frame) if pp is not None else [(i, ball, frame)]
                for j, row, fr in done:
                    finalise(j, row, fr)
                n_out = i + 1
            for j, row, fr in (pp.flush() if pp is not None else []):
                finalise(j, row, fr)
            if gt is not None and len(gt) != n_out:
                raise TennisDataError(f'{labels_path}: frame-count mismatch: {len(gt)} label '
                                      f'rows but {n_out} frames')
        return src, None, n_out, time.time() - t0
    except Exception as e:  # report and carry on with the other inputs
        return src, f'{type(e).__name__}: {e}', 0, time.time() - t0


def _process_in_worker(args):
    return process_item(*args)


SPOTTING_MODELS = ('SlowFusionStacker', 'EarlyFusion2D')
TRANSFORMER_SPOTTING_MODELS = ('ViViTSpotter', )
REID_MODELS = ('ArcFaceTripletReID', )
RECOGNITION_MODELS = ('Recognizer2D', 'Recognizer3D')


def _delegate(argv):
    """Run the task's own tool when the config is not a ball-tracking one; None otherwise."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0].startswith('-') or not os.path.isfile(argv[0]):
        return None
    from mmengine.config import Config
    model_type = str(Config.fromfile(argv[0]).model.get('type', ''))
    import importlib.util
    tools = os.path.dirname(os.path.abspath(__file__))
    if model_type in SPOTTING_MODELS:
        path = os.path.join(tools, 'inference_spotting.py')
    elif model_type in TRANSFORMER_SPOTTING_MODELS:
        path = os.path.join(tools, 'inference_transformer_spotting.py')
    elif model_type in REID_MODELS:
        path = os.path.join(tools, 'reid', 'match_crops.py')
    elif model_type in RECOGNITION_MODELS:
        path = os.path.join(tools, 'recognition', 'classify_video.py')
    else:
        return None
    spec = importlib.util.spec_from_file_location('_mmsport_task_inference', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.main(argv)


def main(argv=None):
    delegated = _delegate(argv)
    if delegated is not None:
        return delegated
    args = parse_args(argv)
    from mmengine.logging import MMLogger
    from mmengine.utils import ProgressBar
    logger = MMLogger.get_instance('mmsport-inference', log_level='INFO')
    items = collect_items(args.inputs, args.out_dir)
    if not items:
        logger.error(f'no videos or clips found in {args.inputs}')
        return 1
    nproc = max(1, min(args.nproc, len(items)))
    threads = max(1, (os.cpu_count() or 1) // nproc)
    logger.info(f'{len(items)} input(s), {nproc} process(es) x {threads} thread(s)')
    jobs = [(it, args.vis, args.tail, not args.no_postprocess) for it in items]
    failures = []
    bar = ProgressBar(len(items))

    def report(res):
        src, err, n, dt = res
        bar.update()
        if err:
            failures.append((src, err))
            logger.error(f'FAILED {src}: {err}')
        else:
            logger.info(f'{src}: {n} frames in {dt:.1f}s ({n / max(dt, 1e-9):.1f} fps)')

    init_args = (args.config, args.checkpoint, args.device, args.batch_size, threads)
    if nproc == 1:
        _init_worker(*init_args)
        for job in jobs:
            report(process_item(*job))
    else:
        ctx = mp.get_context('spawn')
        with ctx.Pool(nproc, initializer=_init_worker, initargs=init_args) as pool:
            for res in pool.imap_unordered(_process_in_worker, jobs):
                report(res)
    sys.stdout.write('\n')
    logger.info(f'done: {len(items) - len(failures)} ok, {len(failures)} failed; '
                f'outputs in {args.out_dir}')
    for src, err in failures:
        logger.error(f'  {src}: {err}')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
