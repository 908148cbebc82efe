"""Game-level K-fold cross-validation: train every fold, save out-of-fold predictions.

    python tools/ball_action/train_cv.py CONFIG --folds 7 [--work-dir DIR] [--gpus N] [--flip-tta]
        [--cfg-options k=v ...]

See :mod:`mmsport.apis.cross_validation.spotting_cv`.
"""
import sys

from mmsport.apis.cross_validation.spotting_cv import main

if __name__ == '__main__':
    sys.exit(main())
