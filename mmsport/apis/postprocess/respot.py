"""Re-apply spotting post-processing to saved raw scores (no model), and re-evaluate.

    python tools/transformer_spotting/respot.py RAW_DIR --out-dir DIR
        [--method soft_nms|nms|peaks] [--window 20] [--threshold 0.001] [--min-weight 0.0]
        [--max-per-class N] [--sigma 3 --height 0.2 --distance 15]
        [--fps 2] [--classes ...]
        [--labels-root ROOT --label-file Labels-v2.json --metric tight|loose|at1..at5
         [--games GAME ...]]

RAW_DIR holds ``<game>/<half>_raw_scores.npz`` (``mmsport.apis.spotting.raw_scores_path``,
read with ``load_raw_scores``; ``tools/ball_action/inference.py`` writes them). Every
game needs halves 1 and 2. Per half, the (T, C) scores are post-processed with

* ``soft_nms``: linear soft-NMS (``--window`` timesteps, ``--threshold``, ``--min-weight``),
* ``nms``: greedy hard-NMS (zero the scores within ``+-window / 2`` of each kept one),
* ``peaks``: Gaussian smoothing + peak picking (``--sigma``, ``--height``, ``--distance``),

and written to ``DIR/<game>/results_spotting.json`` (SoccerNet format, atomically,
with ``mmsport.fileio.soccernet_predictions.write_predictions_json``). Frame rate and
class names come from the npz meta (``fps``, ``classes``) unless ``--fps`` /
``--classes`` are given (then 2 fps and the classes implied by ``--label-file``).

With ``--labels-root``, the games holding ``--label-file`` are evaluated as
``tools/evaluate_spotting.py`` does (same functions); a labelled game without
raw scores is an error (``--games`` restricts the labelled games to a split). The last
stdout line is JSON (metric, ``a_mAP``,
per-class values, settings, counts).

A bad raw file (unreadable, number of timesteps unlike its meta's ``n_frames``,
classes unlike the others) or a missing half fails its game only, with a
message naming the file; the others go on and the exit status is 1.
"""
import argparse
import json
import os
import sys

from .spotting_submission import collect_raw

METHODS = ('soft_nms', 'nms', 'peaks')


def parse_args(argv=None):
    p = argparse.ArgumentParser(description='re-post-process raw spotting scores')
    p.add_argument('raw_dir', help='folder of <game>/<half>_raw_scores.npz')
    p.add_argument('--out-dir', required=True)
    p.add_argument('--method', default='soft_nms', choices=METHODS)
    p.add_argument('--window', type=float, default=20.0, help='NMS window in timesteps')
    p.add_argument('--threshold', type=float, default=0.001, help='NMS score threshold')
    p.add_argument('--min-weight', type=float, default=0.0, help='soft-NMS weight at 0')
    p.add_argument('--max-per-class', type=int, help='NMS: at most N spots per class/half')
    p.add_argument('--sigma', type=float, default=3.0, help='peaks: smoothing (timesteps)')
    p.add_argument('--height', type=float, default=0.2, help='peaks: minimum height')
    p.add_argument('--distance', type=int, default=15, help='peaks: minimum distance')
    p.add_argument('--fps', type=float, help='timesteps per second (default: meta, else 2)')
    p.add_argument('--classes', nargs='+', help='class names (default: meta, else by '
                   'label file)')
    p.add_argument('--labels-root', help='SoccerNet root with the label files: evaluate')
    p.add_argument('--label-file', default='Labels-v2.json')
    p.add_argument('--games', nargs='+', help='evaluate only these labelled games (a split)')
    p.add_argument('--metric', default='tight',
                   choices=['tight', 'loose'] + [f'at{k}' for k in range(1, 6)])
    return p.parse_args(argv)


def postprocess(scores, args):
    """(T, C) scores -> list of ``(timestep, class_index, confidence)``."""
    from mmsport.models.postprocess import peak_spotting, soft_nms
    if args.method == 'peaks':
        return peak_spotting(scores, sigma=args.sigma, height=args.height,
                             distance=args.distance)
    times, classes, conf = soft_nms(scores, args.window, args.threshold, args.min_weight,
                                    'linear' if args.method == 'soft_nms' else 'hard',
                                    args.max_per_class)
    return list(zip(times.tolist(), classes.tolist(), conf.tolist()))


def load_half(path, classes, fps):
    """Scores (T, C), class names and fps of one raw file, checked against its meta."""
    from mmsport.fileio.raw_scores import load_raw_scores
    from mmsport.evaluation.functional.spotting import BALL_2023_CLASSES, V2_CLASSES
    scores, meta = load_raw_scores(path)
    n_meta = meta.get('n_frames')
    if n_meta is not None and int(n_meta) != len(scores):
        raise ValueError(f'{path}: {len(scores)} timesteps but its meta says '
                         f'n_frames={n_meta}')
    names = classes or meta.get('classes')
    if not names:  # no meta classes: the label set implied by the class count
        names = next((c for c in (V2_CLASSES, BALL_2023_CLASSES)
                      if len(c) == scores.shape[1]), None)
        if names is None:
            raise ValueError(f'{path}: no class names in its meta; pass --classes')
    if len(names) != scores.shape[1]:
        raise ValueError(f'{path}: {scores.shape[1]} score columns but {len(names)} '
                         f'classes {list(names)}')
    rate = fps or float(meta.get('fps') or 2.0)
    return scores, tuple(names), rate


def process_game(game, args):
    """Post-process both halves of a game; returns (json path, n spots, classes, fps)."""
    from mmsport.fileio.raw_scores import raw_scores_path
    from mmsport.fileio.soccernet_predictions import write_predictions_json
    from mmsport.models.task_modules.spotting_decode import spots_to_predictions
    classes = tuple(args.classes) if args.classes else None
    halves = {}
    for half in (1, 2):
        path = raw_scores_path(args.raw_dir, game, half)
        if not os.path.isfile(path):
            raise FileNotFoundError(f'{path}: raw scores of half {half} are missing')
        halves[half] = (path, *load_half(path, classes, args.fps))
    (p1, _, names, rate), (p2, _, names2, rate2) = halves[1], halves[2]
    if names2 != names:
        raise ValueError(f'{p2}: classes {list(names2)} differ from {p1}: {list(names)}')
    if rate2 != rate:
        raise ValueError(f'{p2}: {rate2} fps but {p1} has {rate} fps')
    preds = []
    for half, (_, scores, _, _) in halves.items():
        preds += spots_to_predictions(postprocess(scores, args), half, names, rate)
    out = os.path.join(args.out_dir, game, 'results_spotting.json')
    write_predictions_json(out, game, preds, rate)
    return out, len(preds), names, rate


def evaluate(args, games, classes, fps):
    """Evaluate the written games with labels, as tools/evaluate_spotting.py does."""
    from mmsport.evaluation.spotting_files import evaluate_folder
    return evaluate_folder(args.labels_root, args.out_dir, args.label_file, classes, fps,
                           args.metric, games=games)


def main(argv=None):
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
    if args.method == 'peaks':
        post = dict(sigma=args.sigma, height=args.height, distance=args.distance)
    else:
        post = dict(window=args.window, threshold=args.threshold, min_weight=args.min_weight,
                    max_per_class=args.max_per_class)
    logger.info(f'{len(games)} game(s) in {args.raw_dir}; {args.method} {post}')
    n_spots = 0
    for game in games:
        try:
            out, n, names, rate = process_game(game, args)
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
                res = evaluate(args, evaluated, classes, fps)
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
