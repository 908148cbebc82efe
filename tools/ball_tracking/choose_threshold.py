"""Sweep a ball tracker's visibility threshold on the training clips.

    python tools/ball_tracking/choose_threshold.py CONFIG CHECKPOINT [--split train]
        [--clips KEY ...] [--thresholds ...] [--out sweep.json]

See :mod:`mmsport.cli.ball_tracking_choose_threshold` (the work:
:mod:`mmsport.apis.ball_tracking_threshold`).
"""
import sys

from mmsport.cli.ball_tracking_choose_threshold import main

if __name__ == '__main__':
    sys.exit(main())
