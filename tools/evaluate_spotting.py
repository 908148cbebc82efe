"""Evaluate a folder of results_spotting.json files like the SoccerNet evaluator.

    python tools/evaluate_spotting.py LABELS_ROOT PRED_ROOT --label-file Labels-ball.json \\
        --framerate 25 --metric at1|tight|loose|at2..at5 [--classes PASS DRIVE] [--strict]

Both spotting tasks (ball action, transformer spotting) are scored with it. Torch-free;
see :mod:`mmsport.cli.evaluate_spotting`.
"""
import sys

from mmsport.cli.evaluate_spotting import main

if __name__ == '__main__':
    sys.exit(main())
