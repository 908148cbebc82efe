"""Open-set K-fold training for player re-identification: every fold, one command.

    python tools/reid/train_cv.py CONFIG [--work-dir DIR] [--folds 0 1 ...] [--gpus N]
        [--fold-dir DIR] [--load-from-cv DIR] [--cfg-options k=v ...]

The split is written once to ``DIR/fold_metadata`` before any training; fold k's config
goes to ``DIR/fold<k>/config.py`` and is trained with tools/train.py. A fold that already
has a checkpoint is not trained again. The work is done by
:func:`mmsport.apis.cross_validation.reid_cv.train_folds` (its module docstring describes
the folds, ``--fold-dir`` and ``--load-from-cv``).
"""
import argparse
import sys

from mmsport.cli.cfg_options import CfgOptionsAction


def parse_args(argv=None):
    p = argparse.ArgumentParser(description='Open-set K-fold ReID training')
    p.add_argument('config')
    p.add_argument('--work-dir', help='default: work_dirs/<config name>')
    p.add_argument('--folds', type=int, nargs='+', help='fold indices to train (default all)')
    p.add_argument('--gpus', type=int, default=1, help='processes per fold (dist_train.sh)')
    p.add_argument('--fold-dir', help='existing fold metadata to reuse '
                   '(default: <work-dir>/fold_metadata)')
    p.add_argument('--load-from-cv', help='a CV work dir: fold k starts from its fold k checkpoint')
    p.add_argument('--cfg-options', nargs='+', action=CfgOptionsAction)
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    from mmsport.apis.cross_validation.reid_cv import train_folds
    return train_folds(args.config, work_dir=args.work_dir, folds=args.folds, gpus=args.gpus,
                       fold_dir=args.fold_dir, load_from_cv=args.load_from_cv,
                       cfg_options=args.cfg_options)


if __name__ == '__main__':
    sys.exit(main())
