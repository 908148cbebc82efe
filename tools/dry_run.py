"""Dry run of any config on generated data in its own layout (2 iterations, validation,
inference; seconds per iteration and peak memory).

    python tools/dry_run.py CONFIG [CONFIG ...] [--work-dir DIR] [--device cpu]

See :mod:`mmsport.cli.dry_run`.
"""
import sys

from mmsport.cli.dry_run import main

if __name__ == '__main__':
    sys.exit(main())
