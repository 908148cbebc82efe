"""Score ball-tracking prediction CSVs against a labelled root (any layout).

    python tools/ball_tracking/evaluate.py LABELS_ROOT PRED_ROOT [--tol PX] [--layout auto]
        [--clips KEY ...]

See :mod:`mmsport.cli.ball_tracking_evaluate`.
"""
import sys

from mmsport.cli.ball_tracking_evaluate import main

if __name__ == '__main__':
    sys.exit(main())
