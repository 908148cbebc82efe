"""Raw per-frame spotting scores -> SoccerNet ``results_spotting.json`` files + zip.

    python tools/ball_action/submission.py RAW_DIR [RAW_DIR ...] --out-dir OUT
        [--config CFG] [--classes PASS DRIVE] [--fps 25]
        [--sigma 3 --height 0.2 --distance 15]
        [--labels-root ROOT --label-file Labels-ball.json] [--plot-dir DIR] [--zip PATH]

Each RAW_DIR holds ``<game>/<half>_raw_scores.npz`` files (written by
``tools/ball_action/inference.py`` on a data root, one RAW_DIR per fold/TTA run):
the scores of a game-half are averaged over every RAW_DIR that has them, then
decoded by the spotting codec of ``--config`` (``test_evaluator.codec``), else by
``PeakSpottingCodec``; ``--sigma`` / ``--height`` / ``--distance`` override its peak picking. Writes
``OUT/<game>/results_spotting.json`` per game and ``OUT/results_spotting.zip`` (or
``--zip``). ``--labels-root`` names games that must be present and draws GT marks in
``--plot-dir`` timelines. The work is done by
:mod:`mmsport.apis.postprocess.spotting_submission`.

A bad or missing input fails its game only (reported, the others go on);
the exit status is 1 if any game failed.
"""
import argparse
import os
import sys
from collections import defaultdict


def parse_args(argv=None):
    p = argparse.ArgumentParser(description='spotting raw scores -> SoccerNet submission')
    p.add_argument('raw_dirs', nargs='+', help='folders of <game>/<half>_raw_scores.npz')
    p.add_argument('--out-dir', required=True)
    p.add_argument('--zip', help='zip path (default OUT/results_spotting.zip)')
    p.add_argument('--config', help="model config: classes and its evaluator's spotting codec")
    p.add_argument('--classes', nargs='+', help='class names (default: from the npz meta)')
    p.add_argument('--fps', type=float, help='frame rate (default: npz meta, else 25)')
    p.add_argument('--sigma', type=float, help='peak picking: smoothing in frames (3)')
    p.add_argument('--height', type=float, help='peak picking: minimum height (0.2)')
    p.add_argument('--distance', type=int, help='peak picking: minimum distance (15)')
    p.add_argument('--labels-root', help='SoccerNet root with the label files')
    p.add_argument('--label-file', default='Labels-ball.json')
    p.add_argument('--plot-dir', help='write <plot-dir>/<game>/<half>_timeline.png')
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    from mmengine.logging import MMLogger

    from mmsport.apis.postprocess.spotting_submission import (collect_raw, process_game,
                                                              settings, write_zip)
    name = 'mmsport-spotting-submission'
    logger = (MMLogger.get_instance(name) if MMLogger.check_instance_created(name)
              else MMLogger.get_instance(name, log_level='INFO'))
    try:
        found = collect_raw(args.raw_dirs)
        classes, fps, codec = settings(classes=args.classes, config=args.config, fps=args.fps,
                                       sigma=args.sigma, height=args.height,
                                       distance=args.distance)
    except Exception as e:
        logger.error(f'{type(e).__name__}: {e}')
        return 1
    games = defaultdict(dict)
    for (game, half), paths in found.items():
        games[game][half] = paths
    failures = []
    if args.labels_root:
        from mmsport.fileio.soccernet import list_games
        for game in list_games(args.labels_root, args.label_file):
            if game not in games:
                failures.append((game, f'no raw scores in {args.raw_dirs}'))
    logger.info(f'{len(games)} game(s) from {len(args.raw_dirs)} raw dir(s); '
                f'decoded by {codec}')
    written = []
    for game in sorted(games):
        try:
            out, n = process_game(game, games[game], classes, fps, codec, out_dir=args.out_dir,
                                  labels_root=args.labels_root, label_file=args.label_file,
                                  plot_dir=args.plot_dir)
            written.append(game)
            logger.info(f'{game}: {n} spots -> {out}')
        except Exception as e:  # report and carry on with the other games
            failures.append((game, f'{type(e).__name__}: {e}'))
    zip_path = args.zip or os.path.join(args.out_dir, 'results_spotting.zip')
    if written:
        write_zip(zip_path, args.out_dir, written)
        logger.info(f'submission zip: {zip_path} ({len(written)} games)')
    for game, err in failures:
        logger.error(f'FAILED {game}: {err}')
    logger.info(f'done: {len(written)} ok, {len(failures)} failed')
    return 1 if failures or not written else 0


if __name__ == '__main__':
    sys.exit(main())
