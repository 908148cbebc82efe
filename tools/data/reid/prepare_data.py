"""Crop-cache the training boxes and mine hard negatives (atmaCup22 layout, docs/formats.md).

    python tools/data/reid/prepare_data.py --data-root data/reid

See :mod:`mmsport.cli.reid_prepare_data` (the work:
:mod:`mmsport.datasets.preparation.reid_prepare`) for the outputs and options.
"""
import sys

from mmsport.cli.reid_prepare_data import main

if __name__ == '__main__':
    sys.exit(main())
