"""Game-level K-fold cross-validation: train every fold, save out-of-fold predictions.

    python tools/ball_action/train_cv.py CONFIG --folds 7 [--work-dir DIR] [--gpus N] [--flip-tta]
        [--cfg-options k=v ...]

Fold k holds out games k, k+K, k+2K, ... of the config's games; each fold is trained
with tools/train.py, its held-out games are scored into ``DIR/oof/`` and the out-of-fold
predictions of all games are turned into a submission and scored (the CV mAP). The work
is done by :func:`mmsport.apis.cross_validation.spotting_cv.run_cv` (its module docstring
describes the folds and resuming).
"""
import argparse
import sys

from mmsport.cli.cfg_options import CfgOptionsAction


def parse_args(argv=None):
    p = argparse.ArgumentParser(description='Game-level K-fold CV with out-of-fold predictions')
    p.add_argument('config')
    p.add_argument('--folds', type=int, required=True, help='K')
    p.add_argument('--work-dir', help='default: work_dirs/<config name>_cv')
    p.add_argument('--gpus', type=int, default=1, help='processes per fold (dist_train.sh)')
    p.add_argument('--flip-tta', action='store_true', help='flip TTA for the OOF predictions')
    p.add_argument('--cfg-options', nargs='+', action=CfgOptionsAction)
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    from mmsport.apis.cross_validation.spotting_cv import run_cv
    return run_cv(args.config, folds=args.folds, work_dir=args.work_dir, gpus=args.gpus,
                  flip_tta=args.flip_tta, cfg_options=args.cfg_options)


if __name__ == '__main__':
    sys.exit(main())
