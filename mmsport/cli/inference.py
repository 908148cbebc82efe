"""Inference for every mmsport task: the config's model picks the task's command line.

    python tools/inference.py CONFIG CHECKPOINT INPUT [INPUT ...] --out-dir DIR [task options]
        [--cfg-options k=v ...]
    python tools/inference.py MODEL_NAME INPUT [INPUT ...] --out-dir DIR [task options]

MODEL_NAME is a model of the zoo (``model-index.yml``; e.g. ``shuttlecock``, the shipped
ball tracker): its config and weights are used, no training needed. ``--cfg-options``
overrides config settings as in ``tools/train.py`` (checked for typos first), e.g.
``model.codec.vis_thr=0.3``.

Each task's inference runs through its inferencer (in Python:
``mmsport.apis.MMSportInferencer(cfg, ckpt)(inputs, out_dir=...)``); the task comes from
``mmsport.apis.inferencers.TASK_INFERENCERS`` and its command line is the module
``mmsport.cli.<task>_inference``, whose options apply (``--help`` after the config shows
them):

* ball tracking (BallHeatmapTracker): ``tools/ball_tracking/inference.py`` (videos,
  clip folders or dataset roots of any layout -> ``frame,code,x,y`` CSVs, overlays);
* ball action spotting (SlowFusionStacker, EarlyFusion2D): ``tools/ball_action/inference.py``
  (a match video or a SoccerNet root -> raw scores, spots JSON/CSV);
* transformer action spotting (ViViTSpotter): ``tools/transformer_spotting/inference.py``
  (a match video or a SoccerNet root -> raw scores, spots, submission);
* re-identification (ArcFaceTripletReID): ``tools/reid/inference.py`` (crops matched
  against a saved gallery: ``--gallery fold0/gallery.npz``);
* action recognition (Recognizer2D/3D): ``tools/recognition/inference.py`` (raw videos ->
  class scores JSON, optionally fused with a detector);
* detection (mmdet detectors: ATSS, FasterRCNN): ``python -m mmsport.cli.detection_inference``
  (images -> ``DIR/<stem>.json`` with ``labels``, ``scores``, ``bboxes``; ``--vis`` draws them).
"""
import argparse
import importlib
import os
import sys
import tempfile


def task_command(task: str):
    """The command-line module of a task of ``TASK_INFERENCERS``:
    ``mmsport.cli.<task>_inference`` (one table of tasks, one naming rule)."""
    return importlib.import_module(f'mmsport.cli.{task}_inference')


def split_cfg_options(argv):
    """``(argv without --cfg-options and its k=v words, [k=v, ...])``."""
    if '--cfg-options' not in argv:
        return argv, []
    i = argv.index('--cfg-options')
    j = i + 1
    while j < len(argv) and not argv[j].startswith('--'):
        j += 1
    return argv[:i] + argv[j:], argv[i + 1:j]


def out_dir_problem(argv):
    """Why the ``--out-dir`` of ``argv`` cannot take outputs (None when it can, or is absent)."""
    if '--out-dir' not in argv or argv.index('--out-dir') + 1 >= len(argv):
        return None
    out = argv[argv.index('--out-dir') + 1]
    if os.path.exists(out) and not os.path.isdir(out):
        return f'--out-dir {out}: exists and is not a folder'
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as e:
        return f'--out-dir {out}: cannot be created ({e.strerror})'
    if not os.access(out, os.W_OK | os.X_OK):
        return f'--out-dir {out}: not writable'
    return None


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ('-h', '--help'):
        print(__doc__)
        return 0 if argv else 2
    from mmsport.apis.model_zoo import ModelZooError, get_model_info, is_model_name
    if is_model_name(argv[0]):  # a zoo name stands for its config and weights
        try:
            info = get_model_info(argv[0])
        except ModelZooError as e:
            print(f'error: {e}', file=sys.stderr)
            return 2
        argv = [info.config, info.weights] + argv[1:]
    if not os.path.isfile(argv[0]):
        print(f'error: {argv[0]}: no such config file', file=sys.stderr)
        return 2
    argv, options = split_cfg_options(argv)
    problem = out_dir_problem(argv)
    if problem:  # found now, not after every video has been inferred
        print(f'error: {problem}', file=sys.stderr)
        return 2
    from mmsport.apis.inferencers import TASK_INFERENCERS, task_of
    task = task_of(argv[0])
    if task is None:
        print(f'error: {argv[0]}: its model is none of {", ".join(sorted(TASK_INFERENCERS))}',
              file=sys.stderr)
        return 2
    command = task_command(task)
    if not options:
        return _run(command, argv)
    from mmengine.config import Config

    from mmsport.cli.cfg_options import CfgOptionsAction

    from mmsport.utils import ConfigKeyError, check_config_keys
    cfg = Config.fromfile(argv[0])
    parser = argparse.ArgumentParser(prog='tools/inference.py')  # k=v parsed as in train.py
    parser.add_argument('--cfg-options', nargs='+', action=CfgOptionsAction)
    overrides = parser.parse_args(['--cfg-options', *options]).cfg_options
    try:
        check_config_keys(cfg, overrides)
    except ConfigKeyError as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    cfg.merge_from_dict(overrides)
    with tempfile.TemporaryDirectory(prefix='mmsport_cfg_') as tmp:
        merged = os.path.join(tmp, os.path.basename(argv[0]))
        cfg.dump(merged)  # the task's command line (and its workers) read this file
        return _run(command, [merged] + argv[1:])


def _run(command, argv) -> int:
    """The task's command line; a model that cannot be built from its config, or weights
    that do not fit it, end it with their error (no traceback)."""
    from mmsport.apis.inference import ModelBuildError
    from mmsport.engine.checkpoint import CheckpointMismatchError
    try:
        return command.main(argv)
    except (CheckpointMismatchError, ModelBuildError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 2


if __name__ == '__main__':
    sys.exit(main())
