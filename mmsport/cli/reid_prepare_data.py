"""Crop-cache the training boxes and mine hard negatives (atmaCup22 layout, docs/formats.md).

    python tools/data/reid/prepare_data.py --data-root data/reid

Writes ``<root>/train_crops.csv`` and ``<root>/train_negatives.csv`` and the crop cache
(:func:`mmsport.datasets.preparation.reid_prepare.prepare`, whose module docstring
describes the crops, the negatives and the outputs). Exit code 0 even when rows were
skipped; 1 when train_meta.csv itself is missing or invalid; 130 when interrupted.
"""
import argparse
import sys


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--data-root', default='data/reid')
    p.add_argument('--cache-dir', default=None, help='default: <data-root>/train_crops_cache')
    p.add_argument('--negatives-per-image', type=int, default=2,
                   help='background crops per image, and as many partial crops')
    p.add_argument('--partial-max-iou', type=float, default=0.3)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--num-workers', type=int, default=0,
                   help='threads decoding/cropping images (0: in the main thread)')
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    from mmsport.datasets.preparation.reid_prepare import prepare
    return prepare(args.data_root, cache_dir=args.cache_dir,
                   negatives_per_image=args.negatives_per_image,
                   partial_max_iou=args.partial_max_iou, seed=args.seed,
                   num_workers=args.num_workers)


if __name__ == '__main__':
    sys.exit(main())
