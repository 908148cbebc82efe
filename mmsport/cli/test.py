"""Evaluate a checkpoint with the mmengine Runner (mmaction2-style command line).

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--dump RESULTS.pkl]
        [--cfg-options k=v ...] [--allow-new-keys] [--allow-partial]
        [--launcher none|pytorch|slurm|mpi]
    python tools/test.py MODEL_NAME [CHECKPOINT] [...]    # a model of the zoo (model-index.yml)

The checkpoint must match the config's model (keys and shapes): weights of another
task or width, or a truncated file, are an error naming the file and the keys
(``--allow-partial`` loads what matches).

Before the runner is built, config keys are checked (:mod:`mmsport.utils.config_check`):
a misspelled top-level key, ``--cfg-options`` key or hook / optimizer / scheduler
argument is an error naming the key and the likely intended one. Keys meant to be new:
``allowed_extra_keys = [...]`` in the config, or ``--allow-new-keys``.
"""
import argparse
import os
import sys

from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

import mmsport  # noqa: F401
from mmsport.engine.checkpoint import CheckpointMismatchError, check_weights
from mmsport.utils import ConfigKeyError, configure_dist_backend, dist_session
from .cfg_options import CfgOptionsAction, load_run_config


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog='tools/test.py',
                                description='Test (and evaluate) an mmsport model')
    p.add_argument('config', help='test config file path, or a model name of the zoo '
                   '(model-index.yml, e.g. shuttlecock)')
    p.add_argument('checkpoint', nargs='?',
                   help='checkpoint file (default with a model name: its shipped weights)')
    p.add_argument('--work-dir', help='the dir to save logs and metrics')
    p.add_argument('--dump', help='dump predictions to a pickle file for offline evaluation')
    p.add_argument('--amp', action='store_true', help='automatic mixed precision')
    p.add_argument('--cfg-options', nargs='+', action=CfgOptionsAction,
                   help='override config settings, key=value (xxx=yyy format)')
    p.add_argument('--allow-new-keys', action='store_true',
                   help='keep config / --cfg-options keys that look like typos (warn only); '
                   'or list them in the config: allowed_extra_keys = [...]')
    p.add_argument('--allow-partial', action='store_true',
                   help='load a checkpoint that covers only part of the model (else an error '
                   'naming the missing / unexpected keys)')
    p.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
                   default='none', help='job launcher')
    p.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = p.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def main(argv=None):
    args = parse_args(argv)
    from mmsport.apis.model_zoo import ModelZooError, get_model_info, is_model_name
    if is_model_name(args.config):
        try:
            info = get_model_info(args.config)
        except ModelZooError as e:
            sys.exit(f'error: {e}')
        args.config, args.checkpoint = info.config, args.checkpoint or info.weights
    if args.checkpoint is None:
        sys.exit('error: a CHECKPOINT is needed with a config file')
    if args.dump is not None and not args.dump.endswith(('.pkl', '.pickle')):
        sys.exit(f'error: --dump {args.dump}: the file name must end with .pkl or .pickle')
    try:  # typos reported now, not ignored
        cfg = load_run_config(args.config, args.cfg_options, args.allow_new_keys,
                              args.work_dir)
    except ConfigKeyError as e:
        sys.exit(f'error: {e}')
    cfg.launcher = args.launcher
    cfg.load_from = args.checkpoint  # loaded by the runner (hooks such as EMA act on it)
    if args.amp:
        cfg.test_cfg = dict(cfg.get('test_cfg') or {}, fp16=True)
    if args.dump is not None:
        cfg.test_evaluator = [cfg.test_evaluator] if isinstance(cfg.test_evaluator, dict) \
            else list(cfg.test_evaluator)
        cfg.test_evaluator.append(dict(type='DumpResults', out_file_path=args.dump))
    configure_dist_backend(cfg)
    with dist_session():  # every rank ends its process group before exit
        runner = Runner.from_cfg(cfg)
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        try:  # weights of another task, width or a truncated file: an error, not a silent run
            check_weights(model, args.checkpoint, allow_partial=args.allow_partial)
        except CheckpointMismatchError as e:
            sys.exit(f'error: {e}')
        runner.test()


if __name__ == '__main__':
    sys.exit(main())
