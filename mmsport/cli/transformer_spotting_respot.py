"""Re-apply spotting post-processing to saved raw scores (no model), and re-evaluate.

    python tools/transformer_spotting/respot.py RAW_DIR --out-dir DIR
        [--method soft_nms|nms|peaks] [--window 20] [--threshold 0.001] [--min-weight 0.0]
        [--max-per-class N] [--sigma 3 --height 0.2 --distance 15]
        [--fps 2] [--classes ...]
        [--labels-root ROOT --label-file Labels-v2.json --metric tight|loose|at1..at5
         [--games GAME ...]]

RAW_DIR holds ``<game>/<half>_raw_scores.npz``; every game's halves are post-processed
(``--method``) into ``DIR/<game>/results_spotting.json``. With ``--labels-root`` the
games holding ``--label-file`` are evaluated as ``tools/evaluate_spotting.py`` does; the
last stdout line is JSON. The work is done by :mod:`mmsport.apis.postprocess.respot`
(its docstring describes the methods and the checks). A bad raw file or a missing half
fails its game only; the others go on and the exit status is 1.
"""
import argparse
import json
import os
import sys

from mmsport.apis.postprocess.respot import (METHODS, NMS_SETTINGS, PEAK_SETTINGS, evaluate,
                                             method_codec, process_game)
from mmsport.apis.postprocess.spotting_submission import collect_raw


def parse_args(argv=None):
    p = argparse.ArgumentParser(description='re-post-process raw spotting scores')
    p.add_argument('raw_dir', help='folder of <game>/<half>_raw_scores.npz')
    p.add_argument('--out-dir', required=True)
    p.add_argument('--method', default='soft_nms', choices=sorted(METHODS))
    # unset settings keep the codec's defaults (NMSSpottingCodec / PeakSpottingCodec)
    p.add_argument('--window', type=float, help='NMS window in timesteps (20)')
    p.add_argument('--threshold', type=float, help='NMS score threshold (0.001)')
    p.add_argument('--min-weight', type=float, help='soft-NMS weight at 0 (0)')
    p.add_argument('--max-per-class', type=int, help='NMS: at most N spots per class/half')
    p.add_argument('--sigma', type=float, help='peaks: smoothing in timesteps (3)')
    p.add_argument('--height', type=float, help='peaks: minimum height (0.2)')
    p.add_argument('--distance', type=int, help='peaks: minimum distance (15)')
    p.add_argument('--fps', type=float, help='timesteps per second (default: meta, else 2)')
    p.add_argument('--classes', nargs='+', help='class names (default: meta, else by '
                   'label file)')
    p.add_argument('--labels-root', help='SoccerNet root with the label files: evaluate')
    p.add_argument('--label-file', default='Labels-v2.json')
    p.add_argument('--games', nargs='+', help='evaluate only these labelled games (a split)')
    p.add_argument('--metric', default='tight',
                   choices=['tight', 'loose'] + [f'at{k}' for k in range(1, 6)])
    return p.parse_args(argv)


def codec_of(args):
    """The spotting codec the options name (:func:`method_codec`)."""
    return method_codec(args.method, **{k: getattr(args, k)
                                        for k in NMS_SETTINGS + PEAK_SETTINGS})


def main(argv=None) -> int:
    args = parse_args(argv)
    from mmengine.logging import MMLogger
    name = 'mmsport-respot'
    logger = (MMLogger.get_instance(name) if MMLogger.check_instance_created(name)
              else MMLogger.get_instance(name, log_level='INFO'))
    if not os.path.isdir(args.raw_dir):
        logger.error(f'{args.raw_dir}: raw score folder is missing')
        return 1
    games = sorted({game for game, _ in collect_raw([args.raw_dir])})
    failures, written = [], {}
    labelled = None
    if args.labels_root:
        from mmsport.fileio.soccernet import list_games
        try:
            labelled = list_games(args.labels_root, args.label_file)
            if args.games:
                labelled = [g for g in labelled if g in set(args.games)]
        except Exception as e:
            logger.error(f'{type(e).__name__}: {e}')
            return 1
        failures += [(g, f'{os.path.join(args.labels_root, g, args.label_file)} has labels '
                         f'but {args.raw_dir} has no raw scores for it')
                     for g in labelled if g not in games]
    try:
        codec = codec_of(args)
    except ValueError as e:
        logger.error(str(e))
        return 1
    post = {k: v for k, v in vars(codec).items() if k != 'mode'}
    logger.info(f'{len(games)} game(s) in {args.raw_dir}; {args.method}: {codec}')
    n_spots = 0
    for game in games:
        try:
            out, n, names, rate = process_game(game, raw_dir=args.raw_dir,
                                               out_dir=args.out_dir, classes=args.classes,
                                               fps=args.fps, codec=codec)
            written[game] = (names, rate)
            n_spots += n
            logger.info(f'{game}: {n} spots -> {out}')
        except Exception as e:  # report and carry on with the other games
            failures.append((game, f'{type(e).__name__}: {e}'))
    summary = dict(method=args.method, **post, games=len(written), failed=len(failures),
                   spots=n_spots)
    if labelled is not None:
        evaluated = [g for g in labelled if g in written]
        settings = {written[g] for g in evaluated}
        if len(settings) > 1:
            failures.append(('evaluation', f'games differ in classes / fps: {settings}'))
        elif evaluated:
            (classes, fps), = settings
            try:
                res = evaluate(evaluated, classes, fps, labels_root=args.labels_root,
                               out_dir=args.out_dir, label_file=args.label_file,
                               metric=args.metric)
                summary = dict(metric=args.metric, **res, classes=list(classes), fps=fps,
                               evaluated_games=len(evaluated), **summary)
                for c, v in zip(classes, res['a_mAP_per_class']):
                    logger.info(f'{c:28s} {v:.4f}')
                logger.info(f'a_mAP ({args.metric}) over {len(evaluated)} game(s): '
                            f'{res["a_mAP"]:.4f}')
            except Exception as e:
                failures.append(('evaluation', f'{type(e).__name__}: {e}'))
        else:
            failures.append(('evaluation', 'no labelled game was post-processed'))
    for game, err in failures:
        logger.error(f'FAILED {game}: {err}')
    logger.info(f'done: {len(written)} ok, {len(failures)} failed')
    sys.stdout.flush()
    print(json.dumps(summary), flush=True)
    return 1 if failures or not written else 0


if __name__ == '__main__':
    sys.exit(main())
