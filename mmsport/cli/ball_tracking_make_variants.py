"""Write labelled variants of ball-tracking rallies that stand in for other sources.

    python tools/ball_tracking/make_variants.py ROOT --clips 00004 00014 --out OUT
        [--variants crop43 upsample fps120 reencode] [--size 2048 1536] [--crf 35]

ROOT holds ``<stem>.mp4`` + ``<stem>.csv`` rallies (video + normalised CSV layout).
Each variant goes to ``OUT/<variant>/<stem>.{mp4,csv}`` in the same layout, ready for
``tools/inference.py`` and ``tools/ball_tracking/evaluate.py``; ``upsample`` is applied
to the 4:3 crop (a 2048x1536 4:3 camera). The logic is
``mmsport.datasets.preparation.ball_video_variants``.
"""
import argparse
import os
import sys

from mmsport.datasets.preparation.ball_video_variants import VARIANTS, make_variant


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog='tools/ball_tracking/make_variants.py',
                                description='labelled variants of ball-tracking rallies')
    p.add_argument('root')
    p.add_argument('--clips', nargs='+', required=True, help='rally stems')
    p.add_argument('--out', required=True)
    p.add_argument('--variants', nargs='+', default=list(VARIANTS), choices=VARIANTS)
    p.add_argument('--size', type=int, nargs=2, default=(2048, 1536))
    p.add_argument('--crf', type=int, default=35)
    a = p.parse_args(argv)
    failed = 0
    for variant in a.variants:
        for stem in a.clips:
            video, labels = (os.path.join(a.root, stem + ext) for ext in ('.mp4', '.csv'))
            try:
                if variant == 'upsample':  # a 4:3 camera: crop first, then upsample
                    crop = os.path.join(a.out, 'crop43')
                    if not os.path.isfile(os.path.join(crop, stem + '.mp4')):
                        make_variant(video, labels, crop, 'crop43')
                    video, labels = (os.path.join(crop, stem + e) for e in ('.mp4', '.csv'))
                out = make_variant(video, labels, os.path.join(a.out, variant), variant,
                                   size=a.size, crf=a.crf)
                print(f'{variant}: {out}')
            except Exception as e:  # reported; the other rallies go on
                failed += 1
                print(f'FAILED {variant} {stem}: {type(e).__name__}: {e}', file=sys.stderr)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
