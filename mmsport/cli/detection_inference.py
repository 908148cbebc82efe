"""Detect objects in images with a trained mmdet detector config of mmsport.

    python tools/inference.py CONFIG CHECKPOINT IMAGE [IMAGE ...] --out-dir DIR [--vis]
        [--score-thr 0.3] [--device cpu]

Writes ``DIR/<stem>.json`` per image with mmdet ``DetInferencer``'s keys (``labels``,
``scores``, ``bboxes`` x1, y1, x2, y2 in the image's pixels) and ``classes``; ``--vis``
also draws the boxes scoring at least ``--score-thr`` into ``DIR/vis/<stem>.jpg``.
The work is done by :class:`mmsport.apis.DetectionInferencer`. An image that cannot be
read is reported and skipped; the exit status is 1 if any failed.
"""
import argparse
import sys


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog='tools/inference.py',
                                description='detect objects in images (mmdet detector)')
    p.add_argument('config')
    p.add_argument('checkpoint')
    p.add_argument('images', nargs='+')
    p.add_argument('--out-dir', required=True)
    p.add_argument('--vis', action='store_true', help='also draw the boxes (DIR/vis/)')
    p.add_argument('--score-thr', type=float, default=0.3, help='drawn boxes score at least')
    p.add_argument('--device', default='cpu')
    args = p.parse_args(argv)
    if not 0.0 <= args.score_thr <= 1.0:
        p.error(f'--score-thr {args.score_thr}: must lie in [0, 1]')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    from mmsport.apis.inferencers import DetectionInferencer
    try:
        det = DetectionInferencer(args.config, args.checkpoint, args.device,
                                  show_progress=False)
    except ValueError as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    failed = 0
    res_all = det(args.images, out_dir=args.out_dir, vis=args.vis, score_thr=args.score_thr)
    for res in res_all['predictions']:
        if res['error']:
            failed += 1
            print(f"FAILED {res['source']}: {res['error']}", file=sys.stderr)
        else:
            kept = sum(s >= args.score_thr for s in res['scores'])
            print(f"{res['source']}: {kept} boxes scoring >= {args.score_thr}")
    print(f'{len(args.images) - failed} images, {failed} failed -> {args.out_dir}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
