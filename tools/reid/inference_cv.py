"""Open-set ReID inference over the folds of a CV run, fold ensemble, submission CSV.

    python tools/reid/inference_cv.py WORK_DIR [--data-root data/reid] [--folds 0 1 ...]
        [--nproc N] [--device cpu] [--batch-size 64] [--frame-gap 2] [--min-iou 0.3]
        [--out WORK_DIR/submission.csv] [--labels DATA_ROOT/test_labels.csv]

See :mod:`mmsport.cli.reid_inference_cv` (the work:
:mod:`mmsport.apis.cross_validation.reid_inference_cv`) for the steps and outputs.
"""
import sys

from mmsport.cli.reid_inference_cv import main

if __name__ == '__main__':
    sys.exit(main())
