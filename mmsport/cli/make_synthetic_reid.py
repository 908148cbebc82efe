"""Generate a synthetic basketball player re-identification set (atmaCup22 layout).

    python tools/data/reid/make_synthetic.py --out data/reid

writes full train frames ``images/``, ``train_meta.csv``, pre-cropped test images
``crops/``, ``test_meta.csv`` and the hidden ground truth ``test_labels.csv`` under
``--out`` (:func:`mmsport.testing.synthetic.reid.generate`, whose module docstring
describes the set). Deterministic for ``--seed``; an existing set is skipped unless
``--force``. Exit code 1 when a train identity would get fewer than 6 samples.
"""
import argparse
import sys


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--out', default='data/reid')
    p.add_argument('--identities', type=int, default=14)
    p.add_argument('--unseen', type=int, default=3, help='identities only in test')
    p.add_argument('--quarters-train', type=int, default=3)
    p.add_argument('--quarters-test', type=int, default=1)
    p.add_argument('--sessions', type=int, default=3, help='sessions per quarter')
    p.add_argument('--frames', type=int, default=6, help='frames per session')
    p.add_argument('--players', type=int, default=5, help='players per frame')
    p.add_argument('--width', type=int, default=320)
    p.add_argument('--height', type=int, default=192)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--force', action='store_true', help='regenerate an existing set')
    args = p.parse_args(argv)
    if not 0 <= args.unseen < args.identities:
        p.error('--unseen must be in [0, --identities)')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    from mmsport.testing.synthetic.reid import generate
    return generate(args.out, identities=args.identities, unseen=args.unseen,
                    quarters_train=args.quarters_train, quarters_test=args.quarters_test,
                    sessions=args.sessions, frames=args.frames, players=args.players,
                    width=args.width, height=args.height, seed=args.seed, force=args.force)


if __name__ == '__main__':
    sys.exit(main())
