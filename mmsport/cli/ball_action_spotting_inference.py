"""Ball-action spotting inference on a raw match video or a SoccerNet data root.

    python tools/ball_action/inference.py CONFIG CHECKPOINT VIDEO_OR_DATA_ROOT --out-dir DIR
        [--flip-tta] [--folds CKPT ...] [--device cpu|cuda] [--batch-size 16]
        [--stride 1] [--input-size W H] [--sigma 3 --height 0.2 --distance 15]
        [--label-file Labels-ball.json] [--skip-existing] [--plot] [--nproc N]

A video file (any length and resolution) gives ``DIR/<stem>_raw_scores.npz``
(per-frame scores (T, C) + meta), ``DIR/<stem>_spots.json`` (SoccerNet
predictions, half 1) and ``DIR/<stem>_spots.csv`` (``frame,time_s,label,confidence``),
plus ``DIR/<stem>_timeline.png`` with ``--plot``.

A data root (``<league>/<season>/<game>/{1_720p.mkv, 2_720p.mkv}``, labels
optional) gives ``DIR/<game>/<half>_raw_scores.npz`` for every game-half, the
input of ``tools/ball_action/submission.py``; ``--nproc N`` scores the
game-halves in N processes. A corrupt or missing
video is reported and skipped; the exit status is 1 if any failed.

The work is done by :class:`mmsport.apis.WindowSpottingInferencer`. Every half
is decoded once; CHECKPOINT and the ``--folds`` checkpoints (same
config) all score the same windows and their scores are averaged;
``--flip-tta`` also averages horizontally flipped windows. Window settings
(num_frames, frame_step, input_size, classes, stride) and the spotting codec come from
the config (see ``mmsport.apis.spotting.spotting_io_settings``).
"""
import argparse
import os
import sys


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
    from mmsport.utils.interrupt import run_child_processes
    argv = list(sys.argv[1:] if argv is None else argv)
    if '--nproc' in argv:
        i = argv.index('--nproc')
        del argv[i:i + 2]
    codes = run_child_processes([[sys.executable, '-m', 'mmsport.cli.ball_action_spotting_inference', *argv,
                                  '--shard', str(k), str(nproc)] for k in range(nproc)],
                                env=shard_env(nproc))
    logger.info(f'{nproc} processes finished with exit codes {codes}')
    return max(codes)


def build_inferencer(config, checkpoint, *, device='cpu', folds=(), flip_tta=False,
                     batch_size=None, stride=None, input_size=None, sigma=None, height=None,
                     distance=None, show_progress=False):
    """The :class:`WindowSpottingInferencer` of a model and the command line's options
    (``sigma``, ``height``, ``distance``: None keeps the config's post-processing)."""
    from mmsport.apis.inferencers import WindowSpottingInferencer
    post = {k: v for k, v in (('sigma', sigma), ('height', height), ('distance', distance))
            if v is not None}
    return WindowSpottingInferencer(config, checkpoint, device, folds, flip_tta, batch_size,
                                    stride, input_size, post, show_progress=show_progress)


def report(results, logger, *, out_dir, is_root) -> int:
    """Log one line per item and a summary that counts what was written; exit status."""
    failures, written = [], 0
    for res in results:
        what = res['source'] if res['game'] is None else f"{res['game']} half {res['half']}"
        if res['error']:
            failures.append((what, res['error']))
            logger.error(f"FAILED {res['source']}: {res['error']}")
        elif not res['skipped']:
            written += 1
            fps = res['n_frames'] / max(res['seconds'], 1e-9)
            spots = f", {len(res['spots'])} spots" if 'spots' in res else ''
            logger.info(f"{what}: {res['n_frames']} frames in {res['seconds']:.1f}s "
                        f"({fps:.1f} fps){spots} -> {', '.join(res['outputs'])}")
    skipped = sum(r['skipped'] for r in results)
    logger.info(f'done: {written} ok, {len(failures)} failed' +
                (f', {skipped} kept (--skip-existing)' if skipped else '') +
                (f'; raw scores in {out_dir} (next: tools/ball_action/'
                 f'submission.py {out_dir} --out-dir SUBMISSION)'
                 if is_root else ''))
    for what, err in failures:
        logger.error(f'  {what}: {err}')
    return 1 if failures else 0


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.shard:  # a shard process stops with its parent (run_child_processes)
        from mmsport.utils.interrupt import arm_child
        arm_child()
    from mmengine.logging import MMLogger
    name = 'mmsport-spotting-inference'
    logger = (MMLogger.get_instance(name) if MMLogger.check_instance_created(name)
              else MMLogger.get_instance(name, log_level='INFO'))
    if not os.path.exists(args.input):
        logger.error(f'{args.input}: no such video file or data root')
        return 1
    if args.nproc > 1 and os.path.isdir(args.input) and not args.shard:
        return run_sharded(argv, args.nproc, logger)
    inferencer = build_inferencer(
        args.config, args.checkpoint, device=args.device, folds=args.folds,
        flip_tta=args.flip_tta, batch_size=args.batch_size, stride=args.stride,
        input_size=args.input_size, sigma=args.sigma, height=args.height,
        distance=args.distance, show_progress=os.path.isdir(args.input))
    io = inferencer.io
    logger.info(f'{1 + len(args.folds)} model(s), window {io["num_frames"]} x step '
                f'{io["frame_step"]}, input {io["input_size"]}, stride {io["stride"]}, '
                f'flip TTA {args.flip_tta}')
    results = inferencer(args.input, out_dir=args.out_dir, games=args.games,
                         label_file=args.label_file, skip_existing=args.skip_existing,
                         shard=args.shard, plot=args.plot)['predictions']
    if not results:
        if args.shard:
            logger.info(f'shard {args.shard[0]}/{args.shard[1]}: nothing to do')
            return 0
        logger.error(f'{args.input}: no game videos found')
        return 1
    return report(results, logger, out_dir=args.out_dir, is_root=os.path.isdir(args.input))


if __name__ == '__main__':  # the --nproc shards run this module with python -m
    sys.exit(main())
