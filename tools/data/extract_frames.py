"""Extract video frames to rawframes folders in mmaction2's layout.

    python tools/data/extract_frames.py SRC OUT [--ext mp4 ...] [--num-workers N]
        [--short-side 0|S] [--every 1] [--quality 90] [--backend decord|opencv] [--list FILE]

See :mod:`mmsport.cli.extract_frames` (the work: :mod:`mmsport.video.extract_frames`) for
the layout, resuming and exit codes.
"""
import sys

from mmsport.cli.extract_frames import main

if __name__ == '__main__':
    sys.exit(main())
