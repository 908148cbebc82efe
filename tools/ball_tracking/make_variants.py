"""Write labelled variants of ball-tracking rallies that stand in for other sources.

See :mod:`mmsport.cli.ball_tracking_make_variants`.
"""
import sys

from mmsport.cli.ball_tracking_make_variants import main

if __name__ == '__main__':
    sys.exit(main())
