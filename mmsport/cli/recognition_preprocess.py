"""Make fold rawframe lists and detector COCO json for action recognition (docs/formats.md).

    python tools/data/recognition/preprocess.py [--data-root data/recognition] [--folds 5]
        [--seed 0] [--out-dir <root>/lists] [--frames-root <root>/rawframes] [--det-every 4]
        [--min-frames 8]

Reads ``train.csv``, ``classes.txt``, ``boxes.csv``, ``sample_submission.csv`` and the
rawframes of ``tools/data/extract_frames.py``; writes the fold lists, the test list and
the detector json under ``--out-dir``
(:func:`mmsport.datasets.preparation.recognition_preprocess.preprocess`, whose module
docstring describes the inputs, outputs and checks). Exit code 0 when something was
written, 2 when train.csv or classes.txt is unreadable, 1 when nothing could be written.
"""
import argparse
import os
import sys


def parse_args(argv=None):
    """Command-line arguments; the derived paths default under ``--data-root``."""
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--data-root', default='data/recognition')
    p.add_argument('--folds', type=int, default=5, help='number of stratified folds (>= 2)')
    p.add_argument('--seed', type=int, default=0, help='seed of the fold shuffle')
    p.add_argument('--out-dir', default=None, help='default: <data-root>/lists')
    p.add_argument('--frames-root', default=None, help='default: <data-root>/rawframes')
    p.add_argument('--det-every', type=int, default=4,
                   help='test_detect.json takes every n-th frame of each test video')
    p.add_argument('--min-frames', type=int, default=8,
                   help='train videos with fewer frames are skipped (the TSM segments)')
    a = p.parse_args(argv)
    if a.folds < 2:
        p.error(f'--folds must be >= 2, got {a.folds}')
    if a.det_every < 1 or a.min_frames < 1:
        p.error('--det-every and --min-frames must be >= 1')
    a.out_dir = a.out_dir or os.path.join(a.data_root, 'lists')
    a.frames_root = a.frames_root or os.path.join(a.data_root, 'rawframes')
    return a


def main(argv=None) -> int:
    """Run the preprocessing; returns the exit code (0 written, 1 nothing, 2 bad input)."""
    a = parse_args(argv)
    from mmsport.datasets.preparation.recognition_preprocess import preprocess
    return preprocess(a.data_root, folds=a.folds, seed=a.seed, out_dir=a.out_dir,
                      frames_root=a.frames_root, det_every=a.det_every,
                      min_frames=a.min_frames)


if __name__ == '__main__':
    sys.exit(main())
