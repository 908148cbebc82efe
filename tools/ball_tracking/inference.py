"""Ball-tracking inference on videos, clip folders or dataset roots of any layout.

    python tools/ball_tracking/inference.py CONFIG CHECKPOINT INPUT [INPUT ...] --out-dir DIR
        [--nproc N] [--vis] [--device cpu|cuda] [--batch-size 16]

See :mod:`mmsport.cli.ball_tracking_inference`.
"""
import sys

from mmsport.cli.ball_tracking_inference import main

if __name__ == '__main__':
    sys.exit(main())
