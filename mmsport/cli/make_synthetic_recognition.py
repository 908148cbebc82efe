"""Generate a synthetic action-recognition competition set (docs/formats.md, Action recognition).

    python tools/data/recognition/make_synthetic.py --out data/recognition

writes ``train.csv``, ``videos/{train,test}/<id>.mp4``, ``boxes.csv``,
``sample_submission.csv``, ``test_labels.csv`` and ``classes.txt`` under ``--out``
(:func:`mmsport.testing.synthetic.recognition.generate`, whose module docstring describes
the set). Deterministic for a ``--seed``; an existing set is skipped unless ``--force``.
"""
import argparse
import sys


def parse_args(argv=None):
    """Command-line arguments."""
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--out', default='data/recognition')
    p.add_argument('--train', type=int, default=80, help='number of train videos')
    p.add_argument('--test', type=int, default=30, help='number of test videos')
    p.add_argument('--frames', type=int, default=32, help='frames per video (25 fps)')
    p.add_argument('--width', type=int, default=160)
    p.add_argument('--height', type=int, default=120)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--force', action='store_true', help='regenerate an existing set')
    a = p.parse_args(argv)
    if a.width % 2 or a.height % 2 or a.width < 32 or a.height < 32:
        p.error(f'--width/--height must be even and >= 32, got {a.width}x{a.height}')
    if a.train < 1 or a.test < 0 or a.frames < 1:
        p.error('need --train >= 1, --test >= 0 and --frames >= 1')
    return a


def main(argv=None) -> int:
    """Generate the set; returns 0."""
    a = parse_args(argv)
    from mmsport.testing.synthetic.recognition import generate
    return generate(a.out, train=a.train, test=a.test, frames=a.frames, width=a.width,
                    height=a.height, seed=a.seed, force=a.force)


if __name__ == '__main__':
    sys.exit(main())
