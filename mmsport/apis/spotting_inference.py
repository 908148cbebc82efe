"""Ball-action spotting inference on a raw match video or a SoccerNet data root.

    python tools/inference_spotting.py CONFIG CHECKPOINT VIDEO_OR_DATA_ROOT --out-dir DIR
        [--flip-tta] [--folds CKPT ...] [--device cpu|cuda] [--batch-size 16]
        [--stride 1] [--input-size W H] [--sigma 3 --height 0.2 --distance 15]
        [--label-file Labels-ball.json] [--skip-existing] [--plot] [--nproc N]

A video file (any length and resolution) gives ``DIR/<stem>_raw_scores.npz``
(per-frame scores (T, C) + meta), ``DIR/<stem>_spots.json`` (SoccerNet
predictions, half 1) and ``DIR/<stem>_spots.csv`` (``frame,time_s,label,confidence``),
plus ``DIR/<stem>_timeline.png`` with ``--plot``.

A data root (``<league>/<season>/<game>/{1_720p.mkv, 2_720p.mkv}``, labels
optional) gives ``DIR/<game>/<half>_raw_scores.npz`` for every game-half, the
input of ``tools/postprocess/spotting_submission.py``; ``--nproc N`` scores the
game-halves in N processes. A corrupt or missing
video is reported and skipped; the exit status is 1 if any failed.

Every half is decoded once; CHECKPOINT and the ``--folds`` checkpoints (same
config) all score the same windows and their scores are averaged;
``--flip-tta`` also averages horizontally flipped windows. Window settings
(num_frames, frame_step, input_size, classes, stride, postprocess) come from
the config (see ``mmsport.apis.spotting.spotting_io_settings``).
"""
import argparse
import csv
import os
import sys
import time

from mmsport.fileio.media import VIDEO_EXTS


def parse_args(argv=None):
    p = argparse.ArgumentParser(description='mmsport ball-action spotting inference')
    p.add_argument('config')
    p.add_argument('checkpoint')
    p.add_argument('input', help='a video file or a SoccerNet data root')
    p.add_argument('--out-dir', required=True)
    p.add_argument('--folds', nargs='+', default=[], metavar='CKPT',
                   help='more checkpoints of the same config; scores are averaged')
    p.add_argument('--flip-tta', action='store_true', help='average with flipped windows')
    p.add_argument('--device', default='cpu')
    p.add_argument('--batch-size', type=int)
    p.add_argument('--stride', type=int, help='score every N-th frame, interpolate between')
    p.add_argument('--input-size', type=int, nargs=2, metavar=('W', 'H'))
    p.add_argument('--sigma', type=float)
    p.add_argument('--height', type=float)
    p.add_argument('--distance', type=int)
    p.add_argument('--label-file', default='Labels-ball.json')
    p.add_argument('--games', nargs='+', help='data root: only these game paths '
                   '(relative to the root)')
    p.add_argument('--skip-existing', action='store_true',
                   help='data root: keep game-halves whose npz already exists')
    p.add_argument('--plot', action='store_true', help='video: also write a timeline PNG')
    p.add_argument('--nproc', type=int, default=1,
                   help='data root: N processes, each scoring every N-th game-half')
    p.add_argument('--shard', type=int, nargs=2, metavar=('K', 'N'), help=argparse.SUPPRESS)
    return p.parse_args(argv)


def shard_env(nproc):
    """Environment of one of ``nproc`` shard processes: 1/nproc of the CPU threads, and
    this package importable (``python -m``) from any working directory."""
    pkg_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    path = os.pathsep.join(p for p in (pkg_root, os.environ.get('PYTHONPATH')) if p)
    return dict(os.environ, OMP_NUM_THREADS=str(max(1, (os.cpu_count() or 1) // nproc)),
                PYTHONPATH=path)


def run_sharded(argv, nproc, logger):
    """Run this module in ``nproc`` processes (``--shard k nproc``); worst exit status."""
    import subprocess
    argv = list(sys.argv[1:] if argv is None else argv)
    if '--nproc' in argv:
        i = argv.index('--nproc')
        del argv[i:i + 2]
    env = shard_env(nproc)
    procs = [subprocess.Popen([sys.executable, '-m', 'mmsport.apis.spotting_inference', *argv,
                               '--shard', str(k), str(nproc)], env=env) for k in range(nproc)]
    codes = [p.wait() for p in procs]
    logger.info(f'{nproc} processes finished with exit codes {codes}')
    return max(codes)


def build_streamer(args):
    """(SpottingStreamer, settings dict) for the checkpoint and folds."""
    from mmsport.apis.spotting import SpottingStreamer, init_model, spotting_io_settings
    models = [init_model(args.config, ckpt, args.device)
              for ckpt in [args.checkpoint] + list(args.folds)]
    io = spotting_io_settings(models[0].cfg)
    for key in ('batch_size', 'stride', 'input_size'):
        if getattr(args, key) is not None:
            io[key] = tuple(args.input_size) if key == 'input_size' else getattr(args, key)
    for key in ('sigma', 'height', 'distance'):
        if getattr(args, key) is not None:
            io['postprocess'][key] = getattr(args, key)
    streamer = SpottingStreamer(models, io['num_frames'], io['frame_step'], io['input_size'],
                                io['batch_size'], args.flip_tta, io['stride'])
    return streamer, io


def score_video(streamer, io, args, video, meta):
    """Decode ``video`` once and return ((T, C) scores, meta incl. fps and n_frames)."""
    from mmsport.apis.video_io import VideoFrames, prefetch
    frames = VideoFrames(video)
    scores = streamer.run_frames(prefetch(frames, maxsize=16))
    meta = dict(meta, video=video, fps=float(frames.fps), n_frames=len(scores),
                classes=list(io['classes']), num_frames=io['num_frames'],
                frame_step=io['frame_step'], stride=io['stride'],
                input_size=io['input_size'] and list(io['input_size']),
                flip_tta=args.flip_tta,
                checkpoints=[args.checkpoint] + list(args.folds))
    return scores, meta


def run_video(streamer, io, args, logger):
    from mmsport.fileio.raw_scores import save_raw_scores
    from mmsport.fileio.soccernet import write_predictions_json
    from mmsport.models.task_modules.spotting_decode import spots_to_predictions
    from mmsport.models.postprocess import peak_spotting
    from mmsport.utils import atomic_open
    stem = os.path.join(args.out_dir, os.path.splitext(os.path.basename(args.input))[0])
    t0 = time.time()
    scores, meta = score_video(streamer, io, args, args.input, dict(game=None, half=1))
    fps = meta['fps']
    if abs(fps - io['fps']) > 0.01 * io['fps']:
        logger.warning(f'{args.input}: {fps:.2f} fps, the model expects {io["fps"]} fps; '
                       f'frame steps are read at the video rate')
    save_raw_scores(f'{stem}_raw_scores.npz', scores, meta)
    spots = peak_spotting(scores, **io['postprocess'])
    preds = spots_to_predictions(spots, 1, io['classes'], fps)
    write_predictions_json(f'{stem}_spots.json', os.path.basename(stem), preds, fps)
    with atomic_open(f'{stem}_spots.csv', 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['frame', 'time_s', 'label', 'confidence'])
        for p in preds:
            w.writerow([p['frame'], f'{p["frame"] / fps:.3f}', p['label'],
                        f'{p["confidence"]:.4f}'])
    if args.plot:
        from mmsport.visualization.spotting_timeline import plot_spotting_timeline
        plot_spotting_timeline(scores, None, spots, io['classes'], fps,
                               f'{stem}_timeline.png', title=args.input,
                               height=io['postprocess'].get('height'))
    dt = time.time() - t0
    logger.info(f'{args.input}: {len(scores)} frames in {dt:.1f}s '
                f'({len(scores) / max(dt, 1e-9):.1f} fps), {len(preds)} spots -> {stem}_*')
    return 0


def collect_halves(root, label_file):
    """[(game, half, video or None, error or None)] for every game folder under root."""
    from mmsport.fileio.soccernet import SoccerNetDataError, game_videos
    items = []
    for dirpath, dirnames, files in os.walk(root):
        dirnames.sort()
        if label_file not in files and not any(f.lower().endswith(VIDEO_EXTS) for f in files):
            continue
        game = os.path.relpath(dirpath, root).replace(os.sep, '/')
        try:
            videos = game_videos(dirpath)
        except SoccerNetDataError as e:  # e.g. one half missing: keep the other
            items.append((game, None, None, str(e)))
            videos = {int(f[0]): os.path.join(dirpath, f) for f in sorted(files)
                      if f[:2] in ('1_', '2_') and f.lower().endswith(VIDEO_EXTS)}
        items += [(game, h, v, None) for h, v in sorted(videos.items())]
    return items


def run_root(streamer, io, args, logger):
    from mmengine.utils import ProgressBar

    from mmsport.fileio.raw_scores import raw_scores_path, save_raw_scores
    items = collect_halves(args.input, args.label_file)
    if args.games:
        keep = {os.path.normpath(g) for g in args.games}
        items = [it for it in items if os.path.normpath(it[0]) in keep]
    if args.shard:
        k, n = args.shard
        items = items[k::n]
    failures = [(game, err) for game, _, _, err in items if err]
    items = [it for it in items if not it[3]]
    if not items:
        if args.shard:
            logger.info(f'shard {args.shard[0]}/{args.shard[1]}: nothing to do')
            return 1 if failures else 0
        logger.error(f'{args.input}: no game videos found')
        return 1
    logger.info(f'{len(items)} game-half video(s) under {args.input}')
    bar = ProgressBar(len(items))
    for game, half, video, _ in items:
        out = raw_scores_path(args.out_dir, game, half)
        try:
            if not (args.skip_existing and os.path.exists(out)):
                t0 = time.time()
                scores, meta = score_video(streamer, io, args, video,
                                           dict(game=game, half=half))
                save_raw_scores(out, scores, meta)
                dt = time.time() - t0
                logger.info(f'{game} half {half}: {len(scores)} frames in {dt:.1f}s')
        except Exception as e:  # report and carry on with the other halves
            failures.append((f'{game} half {half}', f'{type(e).__name__}: {e}'))
            logger.error(f'FAILED {video}: {type(e).__name__}: {e}')
        bar.update()
    sys.stdout.write('\n')
    logger.info(f'done: {len(items) - len(failures)} ok, {len(failures)} failed; raw '
                f'scores in {args.out_dir} (next: tools/postprocess/spotting_submission.py '
                f'{args.out_dir} --out-dir SUBMISSION)')
    for what, err in failures:
        logger.error(f'  {what}: {err}')
    return 1 if failures else 0


def main(argv=None):
    args = parse_args(argv)
    from mmengine.logging import MMLogger
    name = 'mmsport-spotting-inference'
    logger = (MMLogger.get_instance(name) if MMLogger.check_instance_created(name)
              else MMLogger.get_instance(name, log_level='INFO'))
    if not os.path.exists(args.input):
        logger.error(f'{args.input}: no such video file or data root')
        return 1
    if args.nproc > 1 and os.path.isdir(args.input) and not args.shard:
        return run_sharded(argv, args.nproc, logger)
    streamer, io = build_streamer(args)
    logger.info(f'{1 + len(args.folds)} model(s), window {io["num_frames"]} x step '
                f'{io["frame_step"]}, input {io["input_size"]}, stride {io["stride"]}, '
                f'flip TTA {args.flip_tta}')
    if os.path.isdir(args.input):
        return run_root(streamer, io, args, logger)
    try:
        return run_video(streamer, io, args, logger)
    except Exception as e:
        logger.error(f'FAILED {args.input}: {type(e).__name__}: {e}')
        return 1


if __name__ == '__main__':  # the --nproc shards run this module with python -m
    sys.exit(main())
