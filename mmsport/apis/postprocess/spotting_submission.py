"""Raw per-frame spotting scores -> SoccerNet ``results_spotting.json`` files + zip.

    python tools/ball_action/submission.py RAW_DIR [RAW_DIR ...] --out-dir OUT
        [--config CFG] [--classes PASS DRIVE] [--fps 25]
        [--sigma 3 --height 0.2 --distance 15]
        [--labels-root ROOT --label-file Labels-ball.json] [--plot-dir DIR] [--zip PATH]

Each RAW_DIR holds ``<game>/<half>_raw_scores.npz`` files (written by
``tools/ball_action/inference.py`` on a data root, one RAW_DIR per fold/TTA run):
the scores of a game-half are averaged over every RAW_DIR that has them, then
decoded by a spotting codec: the codec of ``--config`` (``test_evaluator.codec``),
else :class:`PeakSpottingCodec` (Gaussian smoothing + peak picking); ``--sigma`` /
``--height`` / ``--distance`` override its peak-picking settings. Writes ``OUT/<game>/results_spotting.json`` per game and
``OUT/results_spotting.zip`` (or ``--zip``) holding ``<game>/results_spotting.json``
entries, the SoccerNet submission layout; every file is written atomically.
``--labels-root`` names games that must be present (a missing one is an
error) and draws GT marks in ``--plot-dir`` timelines (one PNG per game-half).

A bad or missing input fails its game only (reported, the others go on);
the exit status is 1 if any game failed. The command line is
:mod:`mmsport.cli.ball_action_submission`.
"""
import os
import re
import tempfile
import zipfile
from collections import defaultdict

RAW_RE = re.compile(r'^([12])_raw_scores\.npz$')


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


def settings(*, classes=None, config=None, fps=None, sigma=None, height=None,
             distance=None):
    """(classes or None, fps or None, spotting codec): the given values > ``config``'s
    (its ``test_evaluator`` codec and classes) > the defaults (:class:`PeakSpottingCodec`).

    ``sigma`` / ``height`` / ``distance`` override a peak-picking codec's settings; given
    with a config whose codec is not peak picking, they are an error.
    """
    from mmsport.models.task_modules.spotting_codecs import (PeakSpottingCodec,
                                                             build_spotting_codec)
    codec = PeakSpottingCodec()
    if config:
        from mmengine.config import Config

        from mmsport.apis.spotting import spotting_io_settings
        io = spotting_io_settings(Config.fromfile(config))
        codec = io['codec']
        classes = classes or list(io['classes'])
    peaks = {k: v for k, v in dict(sigma=sigma, height=height, distance=distance).items()
             if v is not None}
    if peaks:
        if not isinstance(codec, PeakSpottingCodec):
            raise ValueError(f'--sigma/--height/--distance set peak picking, but {config} '
                             f'decodes with {codec}')
        codec = build_spotting_codec(dict(type='PeakSpottingCodec', **dict(
            dict(sigma=codec.sigma, height=codec.height, distance=codec.distance), **peaks)))
    return (tuple(classes) if classes else None), fps, codec


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


def process_game(game, halves, classes, fps, codec, *, out_dir, labels_root=None,
                 label_file='Labels-ball.json', plot_dir=None):
    """Post-process one game; returns (written json path, number of spots).

    ``halves``: {half: [raw score npz paths]}; ``codec``: the spotting codec
    (:func:`settings`); ``labels_root``: labels checked (a labelled half needs scores)
    and drawn in the ``plot_dir`` timelines."""
    from mmsport.fileio.soccernet import BALL_CLASSES_2023, read_labels
    from mmsport.fileio.soccernet_predictions import write_predictions_json
    from mmsport.models.task_modules.spotting_decode import spots_to_predictions
    means = {half: mean_scores(halves[half], classes) for half in sorted(halves)}
    meta = means[min(means)][1]
    names = classes or tuple(meta.get('classes') or BALL_CLASSES_2023)
    rate = fps or float(meta.get('fps', 25.0))
    labels = None
    label_path = os.path.join(labels_root or '', game, label_file)
    if labels_root and os.path.isfile(label_path):
        labels = read_labels(label_path, names, rate, skip_unknown=True)
        missing = sorted({a['half'] for a in labels} - set(halves))
        if missing:
            raise ValueError(f'no raw scores for half {missing[0]} (it has labels)')
    preds = []
    for half, (scores, _) in means.items():
        spots = codec.decode(scores)
        preds += spots_to_predictions(spots, half, names, rate)
        if plot_dir:
            from mmsport.visualization.spotting_timeline import plot_spotting_timeline
            gt = None if labels is None else [
                [a['frame'] for a in labels if a['half'] == half and a['class_idx'] == c]
                for c in range(len(names))]
            plot_spotting_timeline(scores, gt, spots, names, rate,
                                   os.path.join(plot_dir, game, f'{half}_timeline.png'),
                                   title=f'{game} half {half}',
                                   height=codec.score_threshold)
    out = os.path.join(out_dir, game, 'results_spotting.json')
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

