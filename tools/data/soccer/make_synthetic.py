"""Generate a synthetic SoccerNet ball-action set in the real layout (docs/formats.md).

    python tools/data/soccer/make_synthetic.py --out data/soccer [--games 4]
        [--seconds-per-half 60] [--width 320 --height 184] [--fps 25] [--seed 0]
        [--classes 2023|2024] [--one-video] [--no-verify] [--v2-events N]

See :mod:`mmsport.cli.make_synthetic_soccer` (the work:
:mod:`mmsport.testing.synthetic.soccer`) for what is generated.
"""
import sys

from mmsport.cli.make_synthetic_soccer import main

if __name__ == '__main__':
    sys.exit(main())
