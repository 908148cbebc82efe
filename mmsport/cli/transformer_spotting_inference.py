"""Transformer action spotting (ViViTSpotter) on a raw match video or a SoccerNet root.

    python tools/transformer_spotting/inference.py CONFIG CHECKPOINT VIDEO_OR_DATA_ROOT
        --out-dir DIR [--games GAME ...] [--label-file Labels-v2.json] [--device cpu]
        [--zip DIR/submission.zip] [--skip-existing] [--nproc N]

The work is done by :class:`mmsport.apis.ClipSpottingInferencer`. Every half is
decoded once at the training frame rate and size, its frames become
spatial tokens and sliding windows of tokens are scored, merged by max and spotted
with (soft-)NMS (``mmsport.apis.transformer_spotting``; window, stride, margin and NMS
settings from the config's test dataset / evaluator, or a top-level ``inference=``).

* A video file gives ``DIR/<stem>_raw_scores.npz`` ((N, C) per-timestep scores and
  meta), ``DIR/<stem>_spots.json`` (SoccerNet predictions, half 1) and
  ``DIR/<stem>_spots.csv`` (``time_s,label,confidence``).
* A data root (``<league>/<season>/<game>/{1_*.mkv, 2_*.mkv}``; games listed by
  ``--games`` or holding ``--label-file``) gives ``DIR/raw/<game>/<half>_raw_scores.npz``
  (input of ``tools/transformer_spotting/respot.py``) and ``DIR/<game>/results_spotting.json``;
  ``--zip`` packs them in the submission layout. When the games have labels, tight and
  loose average-mAP are printed; the last stdout line is JSON. ``--nproc N`` scores
  the games in N processes (each with its own model copy and 1/N of the CPU threads).

A bad game (missing half, unreadable video) is reported and skipped, the others go
on; the exit status is then 1. Outputs are written atomically.
"""
import argparse
import json
import os
import sys

from mmsport.fileio.media import VIDEO_EXTS


def parse_args(argv=None):
    p = argparse.ArgumentParser(description='mmsport transformer action spotting inference')
    p.add_argument('config')
    p.add_argument('checkpoint')
    p.add_argument('input', help='a video file or a SoccerNet data root')
    p.add_argument('--out-dir', required=True)
    p.add_argument('--games', nargs='+', help='data root: game paths relative to it')
    p.add_argument('--label-file', default='Labels-v2.json')
    p.add_argument('--device', default='cpu')
    p.add_argument('--zip', help='data root: also write this submission zip')
    p.add_argument('--skip-existing', action='store_true',
                   help='data root: reuse halves whose raw scores exist')
    p.add_argument('--nproc', type=int, default=1, help='data root: games in N processes')
    p.add_argument('--shard', type=int, nargs=2, metavar=('K', 'N'), help=argparse.SUPPRESS)
    return p.parse_args(argv)


def run_sharded(argv, nproc, logger):
    """Score the games in ``nproc`` processes (this module with ``--shard k nproc``)."""
    from mmsport.utils.interrupt import run_child_processes
    from .ball_action_spotting_inference import shard_env
    argv = list(sys.argv[1:] if argv is None else argv)
    i = argv.index('--nproc')
    del argv[i:i + 2]
    codes = run_child_processes([[sys.executable, '-m',
                                  'mmsport.cli.transformer_spotting_inference', *argv,
                                  '--shard', str(k), str(nproc)] for k in range(nproc)],
                                env=shard_env(nproc))
    logger.info(f'{nproc} processes finished with exit codes {codes}')
    return max(codes)


def evaluate_games(games, io, logger, *, labels_root, label_file, out_dir) -> dict:
    """Tight and loose average-mAP of ``games`` (those with labels) from ``out_dir``'s results."""
    from mmsport.apis.postprocess.respot import evaluate
    result = {}
    for metric in ('tight', 'loose'):
        res = evaluate(games, io['classes'], io['fps'], labels_root=labels_root,
                       out_dir=out_dir, label_file=label_file, metric=metric)
        result[f'{metric}_avg_mAP'] = float(res['a_mAP'])
        result[f'{metric}_per_class'] = dict(zip(io['classes'],
                                                 map(float, res['a_mAP_per_class'])))
        logger.info(f'{metric} average-mAP over {len(games)} game(s): {res["a_mAP"]:.4f}')
    return result


def run_root(inferencer, args, logger):
    from mmsport.fileio.soccernet import list_games
    games = list(args.games) if args.games else list_games(args.input, args.label_file)
    if not games:
        logger.error(f'{args.input}: no game folder with {args.label_file}')
        return 1
    results = inferencer(args.input, out_dir=args.out_dir, games=games,
                         label_file=args.label_file, skip_existing=args.skip_existing,
                         shard=args.shard)['predictions']
    done = [r['game'] for r in results if not r['error']]
    failed = [r['game'] for r in results if r['error']]
    for r in results:
        if r['error']:
            logger.error(f"FAILED {r['game']}: {r['error']}")
    if args.shard:
        return 1 if failed else 0
    if args.zip and done:
        from mmsport.apis.postprocess.spotting_submission import write_zip
        write_zip(args.zip, args.out_dir, done)
        logger.info(f'submission zip: {args.zip}')
    labelled = [g for g in done if os.path.isfile(os.path.join(args.input, g, args.label_file))]
    result = dict(games=len(done), failed=failed)
    if labelled:
        result.update(evaluate_games(labelled, inferencer.io, logger, labels_root=args.input,
                                     label_file=args.label_file, out_dir=args.out_dir))
    print(json.dumps(result))
    return 1 if failed else 0


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.shard:  # a shard process stops with its parent (run_child_processes)
        from mmsport.utils.interrupt import arm_child
        arm_child()
    from mmengine.logging import MMLogger

    from mmsport.apis.inferencers import ClipSpottingInferencer
    name = 'mmsport-transformer-spotting'
    logger = (MMLogger.get_instance(name) if MMLogger.check_instance_created(name)
              else MMLogger.get_instance(name, log_level='INFO'))
    if args.nproc > 1 and os.path.isdir(args.input) and not args.shard:
        run_sharded(argv, args.nproc, logger)
        args.skip_existing = True  # the shards wrote raw scores: no model pass below
    if not os.path.exists(args.input):
        logger.error(f'{args.input}: no such video file or data root')
        return 2
    try:
        inferencer = ClipSpottingInferencer(args.config, args.checkpoint, args.device,
                                            show_progress=os.path.isdir(args.input))
    except ValueError as e:
        logger.error(f'{args.config}: {e}')
        return 2
    os.makedirs(args.out_dir, exist_ok=True)
    if os.path.isdir(args.input):
        return run_root(inferencer, args, logger)
    if os.path.splitext(args.input)[1].lower() not in VIDEO_EXTS:
        logger.error(f'{args.input}: not a video file ({", ".join(VIDEO_EXTS)})')
        return 2
    res = inferencer(args.input, out_dir=args.out_dir)['predictions'][0]
    if res['error']:
        logger.error(f"FAILED {args.input}: {res['error']}")
        return 1
    logger.info(f"{args.input}: {res['n_timesteps']} timesteps, {len(res['spots'])} spots in "
                f"{res['seconds']:.1f}s -> {args.out_dir}")
    return 0


if __name__ == '__main__':  # the --nproc shards run this module with python -m
    sys.exit(main())
