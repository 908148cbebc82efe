"""Transformer action spotting (ViViTSpotter) on a raw match video or a SoccerNet root.

    python tools/inference_transformer_spotting.py CONFIG CHECKPOINT VIDEO_OR_DATA_ROOT
        --out-dir DIR [--games GAME ...] [--label-file Labels-v2.json] [--device cpu]
        [--zip DIR/submission.zip] [--skip-existing] [--nproc N]

Every half is decoded once at the training frame rate and size, its frames become
spatial tokens and sliding windows of tokens are scored, merged by max and spotted
with (soft-)NMS (``mmsport.apis.transformer_spotting``; window, stride, margin and NMS
settings from the config's test dataset / evaluator, or a top-level ``inference=``).

* A video file gives ``DIR/<stem>_raw_scores.npz`` ((N, C) per-timestep scores and
  meta), ``DIR/<stem>_spots.json`` (SoccerNet predictions, half 1) and
  ``DIR/<stem>_spots.csv`` (``time_s,label,confidence``).
* A data root (``<league>/<season>/<game>/{1_*.mkv, 2_*.mkv}``; games listed by
  ``--games`` or holding ``--label-file``) gives ``DIR/raw/<game>/<half>_raw_scores.npz``
  (input of ``tools/postprocess/respot.py``) and ``DIR/<game>/results_spotting.json``;
  ``--zip`` packs them in the submission layout. When the games have labels, tight and
  loose average-mAP are printed; the last stdout line is JSON. ``--nproc N`` scores
  the games in N processes (each with its own model copy and 1/N of the CPU threads).

A bad game (missing half, unreadable video) is reported and skipped, the others go
on; the exit status is then 1. Outputs are written atomically.
"""
import argparse
import csv
import json
import os
import sys
import time

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


def spots_of(scores, io, half):
    from mmsport.apis.transformer_spotting import spot_scores
    from mmsport.models.task_modules.spotting_decode import spots_to_predictions
    times, classes, conf = spot_scores(scores, io['nms'])
    return spots_to_predictions(zip(times.tolist(), classes.tolist(), conf.tolist()), half,
                                io['classes'], io['fps'])


def run_video(spotter, io, args, logger):
    from mmsport.fileio.raw_scores import save_raw_scores
    from mmsport.fileio.soccernet import write_predictions_json
    from mmsport.utils import atomic_open
    stem = os.path.splitext(os.path.basename(args.input))[0]
    t0 = time.time()
    scores = spotter.run(args.input)
    meta = dict(video=args.input, half=1, classes=list(io['classes']), fps=io['fps'],
                n_frames=len(scores))
    save_raw_scores(os.path.join(args.out_dir, f'{stem}_raw_scores.npz'), scores, meta)
    preds = spots_of(scores, io, 1)
    write_predictions_json(os.path.join(args.out_dir, f'{stem}_spots.json'), stem, preds,
                           io['fps'])
    with atomic_open(os.path.join(args.out_dir, f'{stem}_spots.csv'), 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['time_s', 'label', 'confidence'])
        for p in preds:
            w.writerow([f'{p["position_ms"] / 1000:.1f}', p['label'], f'{p["confidence"]:.4f}'])
    logger.info(f'{args.input}: {len(scores)} timesteps, {len(preds)} spots in '
                f'{time.time() - t0:.1f}s -> {args.out_dir}')
    return 0


def score_game(spotter, io, args, game):
    """Raw scores of both halves of a game (reused with --skip-existing) -> predictions."""
    from mmsport.fileio.raw_scores import load_raw_scores, raw_scores_path, save_raw_scores
    from mmsport.fileio.soccernet import game_videos
    preds = []
    for half, video in sorted(game_videos(os.path.join(args.input, game)).items()):
        raw = raw_scores_path(os.path.join(args.out_dir, 'raw'), game, half)
        if args.skip_existing and os.path.isfile(raw):
            scores, _ = load_raw_scores(raw)
        else:
            scores = spotter.run(video)
            save_raw_scores(raw, scores, dict(game=game, half=half, video=video,
                                              classes=list(io['classes']), fps=io['fps'],
                                              n_frames=len(scores)))
        preds += spots_of(scores, io, half)
    return preds


class LazySpotter:
    """The config's :class:`HalfSpotter`, built (model and checkpoint) on the first
    half that needs scoring: after ``--nproc`` shards, the parent only re-reads their
    raw scores and builds no model unless a shard left a half unscored."""

    def __init__(self, cfg, args):
        self.cfg, self.args, self.spotter = cfg, args, None

    def run(self, video):
        if self.spotter is None:
            from mmsport.apis import init_model
            from mmsport.apis.transformer_spotting import (SPOTTER_KEYS, HalfSpotter,
                                                           clip_io_settings)
            io = clip_io_settings(self.cfg)
            model = init_model(self.cfg, self.args.checkpoint, device=self.args.device)
            self.spotter = HalfSpotter(model, **{k: io[k] for k in SPOTTER_KEYS})
        return self.spotter.run(video)


def build_spotter(args):
    """(spotter with ``run(video)``, io settings) of the config and checkpoint."""
    from mmengine.config import Config
    from mmsport.apis.transformer_spotting import clip_io_settings
    cfg = Config.fromfile(args.config)
    return LazySpotter(cfg, args), clip_io_settings(cfg)


def run_sharded(argv, nproc, logger):
    """Score the games in ``nproc`` processes (this module with ``--shard k nproc``)."""
    import subprocess

    from .spotting_inference import shard_env
    argv = list(sys.argv[1:] if argv is None else argv)
    i = argv.index('--nproc')
    del argv[i:i + 2]
    procs = [subprocess.Popen([sys.executable, '-m', 'mmsport.apis.transformer_spotting_inference',
                               *argv, '--shard', str(k), str(nproc)], env=shard_env(nproc))
             for k in range(nproc)]
    codes = [p.wait() for p in procs]
    logger.info(f'{nproc} processes finished with exit codes {codes}')
    return max(codes)


def run_root(spotter, io, args, logger):
    from mmengine.utils import ProgressBar
    from mmsport.fileio.soccernet import list_games, write_predictions_json
    games = list(args.games) if args.games else list_games(args.input, args.label_file)
    if not games:
        logger.error(f'{args.input}: no game folder with {args.label_file}')
        return 1
    if args.shard:  # one of --nproc N processes: every N-th game, no zip / evaluation
        games = games[args.shard[0]::args.shard[1]]
    done, failed = [], []
    bar = ProgressBar(len(games))
    for game in games:
        try:
            preds = score_game(spotter, io, args, game)
            write_predictions_json(os.path.join(args.out_dir, game, 'results_spotting.json'),
                                   game, preds, io['fps'])
            done.append(game)
        except Exception as e:  # a bad game is reported; the others go on
            failed.append(game)
            logger.error(f'FAILED {game}: {type(e).__name__}: {e}')
        bar.update()
    sys.stdout.write('\n')
    if args.shard:
        return 1 if failed else 0
    if args.zip and done:
        from .postprocess.spotting_submission import write_zip
        write_zip(args.zip, args.out_dir, done)
        logger.info(f'submission zip: {args.zip}')
    labelled = [g for g in done if os.path.isfile(os.path.join(args.input, g, args.label_file))]
    result = dict(games=len(done), failed=failed)
    if labelled:
        from .postprocess.respot import evaluate
        for metric in ('tight', 'loose'):
            ns = argparse.Namespace(labels_root=args.input, label_file=args.label_file,
                                    out_dir=args.out_dir, metric=metric)
            res = evaluate(ns, labelled, io['classes'], io['fps'])
            result[f'{metric}_avg_mAP'] = float(res['a_mAP'])
            result[f'{metric}_per_class'] = dict(zip(io['classes'],
                                                     map(float, res['a_mAP_per_class'])))
            logger.info(f'{metric} average-mAP over {len(labelled)} game(s): {res["a_mAP"]:.4f}')
    print(json.dumps(result))
    return 1 if failed else 0


def main(argv=None):
    args = parse_args(argv)
    from mmengine.logging import MMLogger
    name = 'mmsport-transformer-spotting'
    logger = (MMLogger.get_instance(name) if MMLogger.check_instance_created(name)
              else MMLogger.get_instance(name, log_level='INFO'))
    if args.nproc > 1 and os.path.isdir(args.input) and not args.shard:
        run_sharded(argv, args.nproc, logger)
        args.skip_existing = True  # the shards wrote raw scores: no model pass below
    spotter, io = build_spotter(args)
    if not io['classes']:
        logger.error(f'{args.config}: no class names in its test dataset or evaluator')
        return 2
    os.makedirs(args.out_dir, exist_ok=True)
    if os.path.isfile(args.input):
        if os.path.splitext(args.input)[1].lower() not in VIDEO_EXTS:
            logger.error(f'{args.input}: not a video file ({", ".join(VIDEO_EXTS)})')
            return 2
        try:
            return run_video(spotter, io, args, logger)
        except Exception as e:
            logger.error(f'FAILED {args.input}: {type(e).__name__}: {e}')
            return 1
    if not os.path.isdir(args.input):
        logger.error(f'{args.input}: no such video file or data root')
        return 2
    return run_root(spotter, io, args, logger)


if __name__ == '__main__':  # the --nproc shards run this module with python -m
    sys.exit(main())
