"""Evaluate a checkpoint with the mmengine Runner.

    python tools/test.py --help        # or: python -m mmsport.cli.test

See :mod:`mmsport.cli.test`.
"""
import sys

from mmsport.cli.test import main

if __name__ == '__main__':
    sys.exit(main())
