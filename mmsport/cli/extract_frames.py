"""Extract video frames to rawframes folders in mmaction2's layout.

    python tools/data/extract_frames.py SRC OUT [--ext mp4 ...] [--num-workers N]
        [--short-side 0|S] [--every 1] [--quality 90] [--backend decord|opencv] [--list FILE]

``SRC`` is a folder searched recursively for videos, or a list file (one video per line,
``path`` or ``path label``). Each video ``<stem>.<ext>`` becomes
``OUT/<stem>/img_00001.jpg, ...`` with a ``.done`` marker once complete; finished videos
are skipped on a re-run. The work is done by
:func:`mmsport.video.extract_frames.extract_videos` (its module docstring describes the
layout, resuming and interruption). Exit code: 1 when any video failed, 130 when
interrupted, else 0.
"""
import argparse
import sys

from mmsport.video.extract_frames import EXTS, extract_videos


def parse_args(argv=None):
    """Command-line arguments."""
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('src', help='folder of videos (recursive) or a list file')
    p.add_argument('out', help='output root: OUT/<video stem>/img_00001.jpg')
    p.add_argument('--ext', nargs='+', default=EXTS, help='video extensions (folder SRC)')
    p.add_argument('--num-workers', type=int, default=1, help='parallel processes')
    p.add_argument('--short-side', type=int, default=0, help='resize short side; 0 keeps')
    p.add_argument('--every', type=int, default=1, help='keep every k-th frame')
    p.add_argument('--quality', type=int, default=90, help='JPEG quality (0-100)')
    p.add_argument('--backend', choices=['decord', 'opencv'], default='opencv',
                   help='opencv (default, ~2x faster here: benchmarks/README.md) or decord '
                   '(falls back to OpenCV per video)')
    p.add_argument('--list', default=None, help='also write a rawframes list file')
    a = p.parse_args(argv)
    if a.every < 1 or a.short_side < 0 or not 0 <= a.quality <= 100 or a.num_workers < 1:
        p.error('need --every >= 1, --short-side >= 0, --quality in [0, 100], '
                '--num-workers >= 1')
    return a


def main(argv=None) -> int:
    """Extract every video of SRC; returns 1 when any failed, else 0."""
    a = parse_args(argv)
    return extract_videos(a.src, a.out, exts=a.ext, num_workers=a.num_workers,
                          short_side=a.short_side, every=a.every, quality=a.quality,
                          backend=a.backend, list_file=a.list)


if __name__ == '__main__':
    sys.exit(main())
