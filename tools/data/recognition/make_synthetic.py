"""Generate a synthetic action-recognition competition set (docs/formats.md, Action recognition).

    python tools/data/recognition/make_synthetic.py --out data/recognition

See :mod:`mmsport.cli.make_synthetic_recognition` (the work:
:mod:`mmsport.testing.synthetic.recognition`) for the layout and options.
"""
import sys

from mmsport.cli.make_synthetic_recognition import main

if __name__ == '__main__':
    sys.exit(main())
