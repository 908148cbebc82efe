"""Game-level K-fold cross-validation: train every fold, save out-of-fold predictions.

    python tools/ball_action/train_cv.py CONFIG --folds 7 [--work-dir DIR] [--gpus N] [--flip-tta]
        [--cfg-options k=v ...]

See :mod:`mmsport.cli.ball_action_train_cv` (the work:
:mod:`mmsport.apis.cross_validation.spotting_cv`).
"""
import sys

from mmsport.cli.ball_action_train_cv import main

if __name__ == '__main__':
    sys.exit(main())
