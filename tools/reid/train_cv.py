"""Open-set K-fold training for player re-identification: every fold, one command.

    python tools/reid/train_cv.py CONFIG [--work-dir DIR] [--folds 0 1 ...] [--gpus N]
        [--fold-dir DIR] [--load-from-cv DIR] [--cfg-options k=v ...]

See :mod:`mmsport.cli.reid_train_cv` (the work:
:mod:`mmsport.apis.cross_validation.reid_cv`) for the fold metadata and resuming.
"""
import sys

from mmsport.cli.reid_train_cv import main

if __name__ == '__main__':
    sys.exit(main())
