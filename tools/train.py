"""Train a model with the mmengine Runner.

    python tools/train.py --help        # or: python -m mmsport.cli.train

See :mod:`mmsport.cli.train`.
"""
import sys

from mmsport.cli.train import main

if __name__ == '__main__':
    sys.exit(main())
