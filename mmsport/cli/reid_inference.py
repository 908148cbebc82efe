"""Embed a folder of player crops and match it against a saved gallery.

    python tools/reid/inference.py CONFIG CHECKPOINT CROPS [CROPS ...] --gallery GALLERY.npz
        --out-dir DIR [--threshold T] [--batch-size 64] [--device cpu]

(also reachable as ``tools/inference.py CONFIG CHECKPOINT CROPS ... --gallery ...`` for
a re-identification config). CROPS are image files or folders (searched
recursively). GALLERY is a ``fold<k>/gallery.npz`` written by
``tools/reid/inference_cv.py`` (identity centroids and the fold's tuned
threshold; ``--threshold`` overrides it). Writes ``DIR/matches.csv`` with
``path,label_id,similarity`` (``label_id`` -1 = unknown player), atomically.
The work is done by :class:`mmsport.apis.ReIDInferencer`. An unreadable crop stops
with an error naming the file before anything is written.
"""
import argparse
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
    from mmsport.apis import CropReadError
    from mmsport.apis.inferencers import ReIDInferencer
    try:
        reid = ReIDInferencer(args.config, args.checkpoint, args.device, gallery=args.gallery,
                              threshold=args.threshold, batch_size=args.batch_size)
        res = reid(args.inputs, out_dir=args.out_dir)['predictions'][0]
    except (CropReadError, FileNotFoundError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    print(f"{len(res['paths'])} crops matched against {len(reid.gallery['labels'])} identities "
          f"(threshold {res['threshold']:.4f}); {int((res['label_id'] == -1).sum())} unknown "
          f"-> {res['outputs'][0]}")
    return 0


if __name__ == '__main__':
    sys.exit(main())
