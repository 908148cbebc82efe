"""Train a model with the mmengine Runner (mmaction2-style command line).

    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]] [--amp]
        [--cfg-options k=v ...] [--allow-new-keys] [--launcher none|pytorch|slurm|mpi]

Before the runner is built, config keys are checked (:mod:`mmsport.utils.config_check`):
a misspelled top-level key, ``--cfg-options`` key or hook / optimizer / scheduler
argument is an error naming the key and the likely intended one. Keys meant to be new:
``allowed_extra_keys = [...]`` in the config, or ``--allow-new-keys``.
"""
import argparse
import os
import sys

from mmengine.config import Config
from mmengine.runner import Runner

import mmsport  # noqa: F401  (shims + registries)
from mmsport.utils import ConfigKeyError, configure_dist_backend, dist_session
from .cfg_options import CfgOptionsAction, load_run_config


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog='tools/train.py', description='Train an mmsport model')
    p.add_argument('config', help='train config file path')
    p.add_argument('--work-dir', help='the dir to save logs and models')
    p.add_argument('--resume', nargs='?', type=str, const='auto',
                   help='resume from CKPT, or from the latest checkpoint in the '
                   'work dir when no path is given')
    p.add_argument('--amp', action='store_true', help='automatic mixed precision')
    p.add_argument('--auto-scale-lr', action='store_true',
                   help='scale the lr by the total batch size')
    p.add_argument('--cfg-options', nargs='+', action=CfgOptionsAction,
                   help='override config settings, key=value (xxx=yyy format)')
    p.add_argument('--allow-new-keys', action='store_true',
                   help='keep config / --cfg-options keys that look like typos (warn only); '
                   'or list them in the config: allowed_extra_keys = [...]')
    p.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
                   default='none', help='job launcher')
    p.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = p.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def merge_args(cfg: Config, args) -> Config:
    """The training options on top of a :func:`load_run_config` config."""
    cfg.launcher = args.launcher
    if args.amp:
        wrapper = cfg.optim_wrapper.get('type', 'OptimWrapper')
        if wrapper == 'OptimWrapper':
            cfg.optim_wrapper.type = 'AmpOptimWrapper'
            cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif args.resume is not None:
        cfg.resume, cfg.load_from = True, args.resume
    if args.auto_scale_lr:
        cfg.auto_scale_lr = dict(cfg.get('auto_scale_lr', {}), enable=True)
    configure_dist_backend(cfg)
    return cfg


def main(argv=None):
    args = parse_args(argv)
    try:  # typos reported now, not ignored or failing after the first iterations
        cfg = load_run_config(args.config, args.cfg_options, args.allow_new_keys,
                              args.work_dir)
    except ConfigKeyError as e:
        sys.exit(f'error: {e}')
    cfg = merge_args(cfg, args)
    with dist_session():  # every rank ends its process group before exit
        runner = Runner.from_cfg(cfg)
        runner.train()


if __name__ == '__main__':
    sys.exit(main())
