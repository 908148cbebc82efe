"""Generate a synthetic tennis ball-tracking set in the real layout (docs/formats.md).

    python tools/data/tennis/make_synthetic.py --out data/tennis

writes ``<out>/{train,test}/game<G>/clip<C>/{0000.jpg, ..., labels.csv}``
(:func:`mmsport.testing.synthetic.tennis.generate`, whose module docstring describes the
rallies and label codes). Deterministic for a given ``--seed``; a finished clip is
skipped on a re-run.
"""
import argparse
import sys


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--out', default='data/tennis')
    p.add_argument('--train-games', type=int, default=6)
    p.add_argument('--test-games', type=int, default=2)
    p.add_argument('--clips-per-game', type=int, default=3)
    p.add_argument('--frames-per-clip', type=int, default=120)
    p.add_argument('--width', type=int, default=1280)
    p.add_argument('--height', type=int, default=720)
    p.add_argument('--fps', type=float, default=25.0)
    p.add_argument('--seed', type=int, default=0)
    return p.parse_args(argv)


def main(argv=None) -> int:
    a = parse_args(argv)
    from mmsport.testing.synthetic.tennis import generate
    return generate(a.out, train_games=a.train_games, test_games=a.test_games,
                    clips_per_game=a.clips_per_game, frames_per_clip=a.frames_per_clip,
                    width=a.width, height=a.height, fps=a.fps, seed=a.seed)


if __name__ == '__main__':
    sys.exit(main())
