"""Open-set ReID inference over the folds of a CV run, fold ensemble, submission CSV.

    python tools/reid/inference_cv.py WORK_DIR [--data-root data/reid] [--folds 0 1 ...]
        [--nproc N] [--device cpu] [--batch-size 64] [--frame-gap 2] [--min-iou 0.3]
        [--out WORK_DIR/submission.csv] [--labels DATA_ROOT/test_labels.csv]

WORK_DIR is a ``tools/reid/train_cv.py`` run. Every fold embeds its crops, tunes its
open-set threshold and predicts the test rows (``fold<k>/submission.csv``,
``fold<k>/gallery.npz``, ``fold<k>/test_scores.npz``); the folds are then ensembled into
``--out``. With ground truth the scores are printed; the last stdout line is JSON. The
work is done by :func:`mmsport.apis.cross_validation.reid_inference_cv.run_inference_cv`
(its module docstring describes the steps and outputs).
"""
import argparse
import sys


def parse_args(argv=None):
    p = argparse.ArgumentParser(description='Open-set ReID inference + fold ensemble')
    p.add_argument('work_dir')
    p.add_argument('--data-root', default='data/reid')
    p.add_argument('--folds', type=int, nargs='+', help='default: every fold<k> with a checkpoint')
    p.add_argument('--nproc', type=int, default=1, help='folds processed in parallel')
    p.add_argument('--device', default='cpu')
    p.add_argument('--batch-size', type=int, default=64)
    p.add_argument('--frame-gap', type=int, default=2, help='tracklet: max frame gap')
    p.add_argument('--min-iou', type=float, default=0.3, help='tracklet: min box IoU')
    p.add_argument('--out', help='default: WORK_DIR/submission.csv')
    p.add_argument('--labels', help='test ground truth (label_id column) to score against')
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    from mmsport.apis.cross_validation.reid_inference_cv import run_inference_cv
    return run_inference_cv(args.work_dir, data_root=args.data_root, folds=args.folds,
                            nproc=args.nproc, device=args.device, batch_size=args.batch_size,
                            frame_gap=args.frame_gap, min_iou=args.min_iou, out=args.out,
                            labels=args.labels)


if __name__ == '__main__':
    sys.exit(main())
