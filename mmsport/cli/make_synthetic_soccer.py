"""Generate a synthetic SoccerNet ball-action set in the real layout (docs/formats.md).

    python tools/data/soccer/make_synthetic.py --out data/soccer

writes ``<out>/<league>/<season>/<game>/{1_720p.mkv, 2_720p.mkv, Labels-ball.json}``
(``--one-video``: one ``720p.mp4`` a game; ``--v2-events N``: also ``Labels-v2.json``).
The work is done by :func:`mmsport.testing.synthetic.soccer.generate` (its module
docstring describes the events and classes). Deterministic for a ``--seed``; a game
whose Labels-ball.json exists is skipped.
"""
import argparse
import sys


def parse_args(argv=None):
    from mmsport.testing.synthetic.soccer import min_seconds_per_half
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--out', default='data/soccer')
    p.add_argument('--games', type=int, default=4)
    p.add_argument('--seconds-per-half', type=float, default=60.0)
    p.add_argument('--width', type=int, default=320)
    p.add_argument('--height', type=int, default=184)
    p.add_argument('--fps', type=float, default=25.0)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--classes', choices=['2023', '2024'], default='2023')
    p.add_argument('--one-video', action='store_true',
                   help='2025 form: one 720p.mp4 per game, labels in half 1')
    p.add_argument('--no-verify', dest='verify', action='store_false',
                   help='skip re-opening each video with decord/cv2')
    p.add_argument('--v2-events', type=int, default=0, metavar='N',
                   help='SoccerNet-v2 events per half (2N in a --one-video video) written to '
                        'Labels-v2.json; 0 (default) writes none')
    a = p.parse_args(argv)
    if a.width % 2 or a.height % 2 or a.width < 32 or a.height < 32:
        p.error(f'--width/--height must be even and >= 32, got {a.width}x{a.height}')
    need = min_seconds_per_half(a.v2_events, a.fps, a.one_video)
    if a.v2_events < 0 or a.v2_events and a.seconds_per_half < need:
        p.error(f'--v2-events {a.v2_events} needs --seconds-per-half >= {need:.1f}')
    return a


def main(argv=None) -> int:
    a = parse_args(argv)
    from mmsport.testing.synthetic.soccer import generate
    return generate(a.out, games=a.games, seconds_per_half=a.seconds_per_half, width=a.width,
                    height=a.height, fps=a.fps, seed=a.seed, classes=a.classes,
                    one_video=a.one_video, verify=a.verify, v2_events=a.v2_events)


if __name__ == '__main__':
    sys.exit(main())
