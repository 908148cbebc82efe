"""Inference for every mmsport task: a config (or a model-zoo name) picks the task.

    python tools/inference.py --help    # or: python -m mmsport.cli.inference

See :mod:`mmsport.cli.inference`.
"""
import sys

from mmsport.cli.inference import main

if __name__ == '__main__':
    sys.exit(main())
