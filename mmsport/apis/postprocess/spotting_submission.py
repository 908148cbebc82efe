"""Raw per-frame spotting scores -> SoccerNet ``results_spotting.json`` files + zip.

    python tools/ball_action/submission.py RAW_DIR [RAW_DIR ...] --out-dir OUT
        [--config CFG] [--classes PASS DRIVE] [--fps 25]
        [--sigma 3 --height 0.2 --distance 15]
        [--labels-root ROOT --label-file Labels-ball.json] [--plot-dir DIR] [--zip PATH]

Each RAW_DIR holds ``<game>/<half>_raw_scores.npz`` files (written by
``tools/ball_action/inference.py`` on a data root, one RAW_DIR per fold/TTA run):
the scores of a game-half are averaged over every RAW_DIR that has them, then
peak-picked (Gaussian smoothing + ``find_peaks``; parameters from the CLI, else
``test_evaluator.postprocess`` of ``--config``, else sigma 3, height 0.2,
distance 15). Writes ``OUT/<game>/results_spotting.json`` per game and
``OUT/results_spotting.zip`` (or ``--zip``) holding ``<game>/results_spotting.json``
entries, the SoccerNet submission layout; every file is written atomically.
``--labels-root`` names games that must be present (a missing one is an
error) and draws GT marks in ``--plot-dir`` timelines (one PNG per game-half).

A bad or missing input fails its game only (reported, the others go on);
the exit status is 1 if any game failed.
"""
import argparse
import os
import re
import tempfile
import zipfile
from collections import defaultdict

RAW_RE = re.compile(r'^([12])_raw_scores\.npz$')
DEFAULT_POSTPROCESS = dict(sigma=3.0, height=0.2, distance=15)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description='spotting raw scores -> SoccerNet submission')
    p.add_argument('raw_dirs', nargs='+', help='folders of <game>/<half>_raw_scores.npz')
    p.add_argument('--out-dir', required=True)
    p.add_argument('--zip', help='zip path (default OUT/results_spotting.zip)')
    p.add_argument('--config', help='model config: classes and postprocess defaults')
    p.add_argument('--classes', nargs='+', help='class names (default: from the npz meta)')
    p.add_argument('--fps', type=float, help='frame rate (default: npz meta, else 25)')
    p.add_argument('--sigma', type=float)
    p.add_argument('--height', type=float)
    p.add_argument('--distance', type=int)
    p.add_argument('--labels-root', help='SoccerNet root with the label files')
    p.add_argument('--label-file', default='Labels-ball.json')
    p.add_argument('--plot-dir', help='write <plot-dir>/<game>/<half>_timeline.png')
    return p.parse_args(argv)


def collect_raw(raw_dirs):
    """{(game, half): [npz paths, one per raw dir that has it]}."""
    found = defaultdict(list)
    for root in raw_dirs:
        if not os.path.isdir(root):
            raise FileNotFoundError(f'{root}: raw score folder is missing')
        for dirpath, dirnames, files in os.walk(root):
            dirnames.sort()
            for name in sorted(files):
                m = RAW_RE.match(name)
                if m:
                    game = os.path.relpath(dirpath, root).replace(os.sep, '/')
                    found[(game, int(m.group(1)))].append(os.path.join(dirpath, name))
    return found


def settings(args):
    """(classes or None, fps or None, postprocess kwargs) from CLI > config > defaults."""
    post, classes = dict(DEFAULT_POSTPROCESS), args.classes
    if args.config:
        from mmengine.config import Config

        from mmsport.apis.spotting import spotting_io_settings
        io = spotting_io_settings(Config.fromfile(args.config))
        post.update(io['postprocess'])
        classes = classes or list(io['classes'])
    for k in DEFAULT_POSTPROCESS:
        if getattr(args, k) is not None:
            post[k] = getattr(args, k)
    return (tuple(classes) if classes else None), args.fps, post


def mean_scores(paths, classes):
    """Mean (T, C) scores of several runs of one game-half, and the classes / fps."""
    import numpy as np

    from mmsport.fileio.raw_scores import load_raw_scores
    arrays, metas = zip(*[load_raw_scores(p) for p in paths])
    for p, meta in zip(paths, metas):
        if meta.get('classes') and classes and tuple(meta['classes']) != tuple(classes):
            raise ValueError(f'{p}: classes {meta["classes"]} differ from {list(classes)}')
        if classes and arrays[0].shape[1] != len(classes):
            raise ValueError(f'{p}: {arrays[0].shape[1]} score columns, '
                             f'{len(classes)} classes')
    if len({a.shape[1] for a in arrays}) > 1:
        raise ValueError(f'class counts differ between {list(paths)}')
    n = min(len(a) for a in arrays)
    if max(len(a) for a in arrays) - n > 1:
        raise ValueError(f'frame counts differ between runs: '
                         f'{dict(zip(paths, [len(a) for a in arrays]))}')
    return np.mean([a[:n] for a in arrays], axis=0), metas[0]


def process_game(game, halves, classes, fps, post, args):
    """Post-process one game; returns (written json path, number of spots)."""
    from mmsport.fileio.soccernet import read_labels
    from mmsport.fileio.soccernet_predictions import write_predictions_json
    from mmsport.models.task_modules.spotting_decode import spots_to_predictions
    from mmsport.models.postprocess import peak_spotting
    means = {half: mean_scores(halves[half], classes) for half in sorted(halves)}
    meta = means[min(means)][1]
    names = classes or tuple(meta.get('classes') or ('PASS', 'DRIVE'))
    rate = fps or float(meta.get('fps', 25.0))
    labels = None
    label_path = os.path.join(args.labels_root or '', game, args.label_file)
    if args.labels_root and os.path.isfile(label_path):
        labels = read_labels(label_path, names, rate, skip_unknown=True)
        missing = sorted({a['half'] for a in labels} - set(halves))
        if missing:
            raise ValueError(f'no raw scores for half {missing[0]} (it has labels)')
    preds = []
    for half, (scores, _) in means.items():
        spots = peak_spotting(scores, **post)
        preds += spots_to_predictions(spots, half, names, rate)
        if args.plot_dir:
            from mmsport.visualization.spotting_timeline import plot_spotting_timeline
            gt = None if labels is None else [
                [a['frame'] for a in labels if a['half'] == half and a['class_idx'] == c]
                for c in range(len(names))]
            plot_spotting_timeline(scores, gt, spots, names, rate,
                                   os.path.join(args.plot_dir, game, f'{half}_timeline.png'),
                                   title=f'{game} half {half}', height=post['height'])
    out = os.path.join(args.out_dir, game, 'results_spotting.json')
    write_predictions_json(out, game, preds, rate)
    return out, len(preds)


def write_zip(path, out_dir, games):
    """Zip ``<game>/results_spotting.json`` of ``games`` atomically."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=os.path.basename(path) + '.', suffix='.tmp')
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, 'w', zipfile.ZIP_DEFLATED) as z:
            for game in games:
                z.write(os.path.join(out_dir, game, 'results_spotting.json'),
                        f'{game}/results_spotting.json')
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def main(argv=None):
    args = parse_args(argv)
    from mmengine.logging import MMLogger
    name = 'mmsport-spotting-submission'
    logger = (MMLogger.get_instance(name) if MMLogger.check_instance_created(name)
              else MMLogger.get_instance(name, log_level='INFO'))
    try:
        found = collect_raw(args.raw_dirs)
        classes, fps, post = settings(args)
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
                f'postprocess {post}')
    written = []
    for game in sorted(games):
        try:
            out, n = process_game(game, games[game], classes, fps, post, args)
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
