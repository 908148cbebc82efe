"""Generate a synthetic basketball player re-identification set (atmaCup22 layout).

    python tools/data/reid/make_synthetic.py --out data/reid

See :mod:`mmsport.cli.make_synthetic_reid` (the work:
:mod:`mmsport.testing.synthetic.reid`) for the layout and options.
"""
import sys

from mmsport.cli.make_synthetic_reid import main

if __name__ == '__main__':
    sys.exit(main())
