"""Make fold rawframe lists and detector COCO json for action recognition (docs/formats.md).

    python tools/data/recognition/preprocess.py [--data-root data/recognition] [--folds 5]
        [--seed 0] [--out-dir <root>/lists] [--frames-root <root>/rawframes] [--det-every 4]
        [--min-frames 8]

See :mod:`mmsport.cli.recognition_preprocess` (the work:
:mod:`mmsport.datasets.preparation.recognition_preprocess`) for the inputs, outputs and
exit codes.
"""
import sys

from mmsport.cli.recognition_preprocess import main

if __name__ == '__main__':
    sys.exit(main())
