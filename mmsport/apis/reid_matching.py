"""Embed a folder of player crops and match it against a saved gallery.

    python tools/reid/match_crops.py CONFIG CHECKPOINT CROPS [CROPS ...] --gallery GALLERY.npz
        --out-dir DIR [--threshold T] [--batch-size 64] [--device cpu]

(also reachable as ``tools/inference.py CONFIG CHECKPOINT CROPS ... --gallery ...`` for
a re-identification config). CROPS are image files or folders (searched
recursively). GALLERY is a ``fold<k>/gallery.npz`` written by
``tools/reid/inference_cv.py`` (identity centroids and the fold's tuned
threshold; ``--threshold`` overrides it). Writes ``DIR/matches.csv`` with
``path,label_id,similarity`` (``label_id`` -1 = unknown player), atomically.
An unreadable crop stops with an error naming the file before anything is written.
"""
import argparse
import csv
import os
import os.path as osp
import sys


def parse_args(argv=None):
    p = argparse.ArgumentParser(description='match crops against a ReID gallery')
    p.add_argument('config')
    p.add_argument('checkpoint')
    p.add_argument('inputs', nargs='+', help='crop images or folders of crops')
    p.add_argument('--gallery', required=True, help='gallery.npz from tools/reid/inference_cv.py')
    p.add_argument('--out-dir', required=True)
    p.add_argument('--threshold', type=float, help='default: the gallery\'s tuned threshold')
    p.add_argument('--batch-size', type=int, default=64)
    p.add_argument('--device', default='cpu')
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    from mmsport.apis import (CropReadError, extract_embeddings, init_model, list_crops,
                              load_gallery)
    from mmsport.evaluation.functional.reid import match_gallery
    from mmsport.utils.atomic import atomic_open
    paths = []
    for inp in args.inputs:
        if osp.isdir(inp):
            paths += list_crops(inp)
        elif osp.isfile(inp):
            paths.append(inp)
        else:
            print(f'error: {inp}: no such file or folder', file=sys.stderr)
            return 2
    if not paths:
        print(f'error: no crop images in {args.inputs}', file=sys.stderr)
        return 2
    try:
        gallery = load_gallery(args.gallery)
        model = init_model(args.config, args.checkpoint, device=args.device)
        emb = extract_embeddings(model, paths, batch_size=args.batch_size)
    except CropReadError as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    thr = float(gallery['threshold']) if args.threshold is None else args.threshold
    pred, best = match_gallery(emb, gallery['centroids'], gallery['labels'], threshold=thr)
    out = osp.join(args.out_dir, 'matches.csv')
    os.makedirs(args.out_dir, exist_ok=True)
    with atomic_open(out, 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(('path', 'label_id', 'similarity'))
        w.writerows((p, int(lab), f'{s:.6f}') for p, lab, s in zip(paths, pred, best))
    print(f'{len(paths)} crops matched against {len(gallery["labels"])} identities '
          f'(threshold {thr:.4f}); {int((pred == -1).sum())} unknown -> {out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
