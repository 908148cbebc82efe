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

(the spotting codec of the method, :func:`method_codec`; unset settings keep the
codec's defaults) and written to ``DIR/<game>/results_spotting.json`` (SoccerNet
format, atomically, with ``mmsport.fileio.soccernet_predictions.write_predictions_json``). Frame rate and
class names come from the npz meta (``fps``, ``classes``) unless ``--fps`` /
``--classes`` are given (then 2 fps and the classes implied by ``--label-file``).

With ``--labels-root``, the games holding ``--label-file`` are evaluated as
``tools/evaluate_spotting.py`` does (same functions); a labelled game without
raw scores is an error (``--games`` restricts the labelled games to a split). The last
stdout line is JSON (metric, ``a_mAP``,
per-class values, settings, counts).

A bad raw file (unreadable, number of timesteps unlike its meta's ``n_frames``,
classes unlike the others) or a missing half fails its game only, with a
message naming the file; the others go on and the exit status is 1. The command line
is :mod:`mmsport.cli.transformer_spotting_respot`.
"""
import os

# --method name -> the spotting codec it builds (settings from the command line)
METHODS = {'soft_nms': dict(type='NMSSpottingCodec', mode='soft'),
           'nms': dict(type='NMSSpottingCodec', mode='hard'),
           'peaks': dict(type='PeakSpottingCodec')}
NMS_SETTINGS = ('window', 'threshold', 'min_weight', 'max_per_class')
PEAK_SETTINGS = ('sigma', 'height', 'distance')


def method_codec(method: str = 'soft_nms', **settings):
    """The spotting codec of a ``--method`` name; ``settings`` left None keep its defaults.

    A setting of the other family (``sigma`` for an NMS method, ``window`` for
    ``peaks``) is an error, not silently ignored.
    """
    from mmsport.models.task_modules.spotting_codecs import build_spotting_codec
    if method not in METHODS:
        raise ValueError(f'method must be one of {sorted(METHODS)}, got {method!r}')
    allowed = PEAK_SETTINGS if method == 'peaks' else NMS_SETTINGS
    given = {k: v for k, v in settings.items() if v is not None}
    wrong = sorted(set(given) - set(allowed))
    if wrong:
        raise ValueError(f'{wrong} do not apply to method {method!r} (its settings: '
                         f'{list(allowed)})')
    return build_spotting_codec(dict(METHODS[method], **given))


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


def process_game(game, *, raw_dir, out_dir, classes=None, fps=None, codec=None):
    """Post-process both halves of a game; returns (json path, n spots, classes, fps).

    Reads ``raw_dir/<game>/<half>_raw_scores.npz``, writes
    ``out_dir/<game>/results_spotting.json``; ``classes`` / ``fps`` override the npz meta;
    ``codec``: the spotting codec (default: :func:`method_codec`'s, linear soft-NMS).
    """
    from mmsport.fileio.raw_scores import raw_scores_path
    from mmsport.fileio.soccernet_predictions import write_predictions_json
    from mmsport.models.task_modules.spotting_decode import spots_to_predictions
    codec = codec if codec is not None else method_codec()
    classes = tuple(classes) if classes else None
    halves = {}
    for half in (1, 2):
        path = raw_scores_path(raw_dir, game, half)
        if not os.path.isfile(path):
            raise FileNotFoundError(f'{path}: raw scores of half {half} are missing')
        halves[half] = (path, *load_half(path, classes, fps))
    (p1, _, names, rate), (p2, _, names2, rate2) = halves[1], halves[2]
    if names2 != names:
        raise ValueError(f'{p2}: classes {list(names2)} differ from {p1}: {list(names)}')
    if rate2 != rate:
        raise ValueError(f'{p2}: {rate2} fps but {p1} has {rate} fps')
    preds = []
    for half, (_, scores, _, _) in halves.items():
        preds += spots_to_predictions(codec.decode(scores), half, names, rate)
    out = os.path.join(out_dir, game, 'results_spotting.json')
    write_predictions_json(out, game, preds, rate)
    return out, len(preds), names, rate


def evaluate(games, classes, fps, *, labels_root, out_dir, label_file='Labels-v2.json',
             metric='tight'):
    """Evaluate the written games with labels, as tools/evaluate_spotting.py does."""
    from mmsport.evaluation.spotting_files import evaluate_folder
    return evaluate_folder(labels_root, out_dir, label_file, classes, fps, metric, games=games)

