"""Generate a synthetic tennis ball-tracking set in the real layout (docs/formats.md).

    python tools/data/tennis/make_synthetic.py --out data/tennis

See :mod:`mmsport.cli.make_synthetic_tennis` (the work:
:mod:`mmsport.testing.synthetic.tennis`) for the layout and options.
"""
import sys

from mmsport.cli.make_synthetic_tennis import main

if __name__ == '__main__':
    sys.exit(main())
