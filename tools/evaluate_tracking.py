"""Score ball-tracking prediction CSVs against labels.csv files (SiBaTrAcc).

    python tools/evaluate_tracking.py LABELS_ROOT PRED_ROOT [--tol 8]

LABELS_ROOT holds ``game*/clip*/labels.csv``; PRED_ROOT holds one CSV per clip
in the same layout, ``game*/clip*.csv``, with columns ``frame,code,x,y`` at full
resolution (what tools/inference.py and inference.sh write). Prints per-clip
and mean SiBaTrAcc; the last stdout line is JSON:
``{"SiBaTrAcc": mean, "per_clip": {"game1/clip1": value, ...}, ...}``.
A clip without a prediction file, or with a malformed one, is an error that
names the file.
"""
import argparse
import csv
import json
import os
import sys

import numpy as np

from mmsport.datasets.tennis_io import TennisDataError, list_clips, read_labels_csv
from mmsport.evaluation.functional import sibatracc, tracking_prf


def read_prediction_csv(path: str, n_frames: int) -> np.ndarray:
    """(n_frames, 3) ``(code, x, y)`` from a ``frame,code,x,y`` CSV."""
    if not os.path.isfile(path):
        raise TennisDataError(f'{path}: prediction file is missing')
    out = np.zeros((n_frames, 3))
    out[:, 1:] = -1
    seen = np.zeros(n_frames, bool)
    with open(path, newline='') as f:
        rows = list(csv.reader(f))
    if not rows or [c.strip() for c in rows[0][:4]] != ['frame', 'code', 'x', 'y']:
        raise TennisDataError(f'{path}: expected the header "frame,code,x,y"')
    for line, row in enumerate(rows[1:], start=2):
        try:
            i, code = int(row[0]), int(row[1])
            x = float(row[2]) if code else -1.0
            y = float(row[3]) if code else -1.0
        except (ValueError, IndexError):
            raise TennisDataError(f'{path}:{line}: malformed row {row!r}')
        if not 0 <= i < n_frames:
            raise TennisDataError(f'{path}:{line}: frame {i} outside 0..{n_frames - 1}')
        out[i] = (code, x, y)
        seen[i] = True
    if not seen.all():
        raise TennisDataError(f'{path}: frame-count mismatch: {int(seen.sum())} of '
                              f'{n_frames} frames predicted')
    return out


def evaluate(labels_root: str, pred_root: str, tol: float = 8.0) -> dict:
    per_clip, gts, preds = {}, [], []
    clips = list_clips(labels_root)
    if not clips:
        raise TennisDataError(f'{labels_root}: no game*/clip* folders')
    for key, clip_dir in clips:
        gt = read_labels_csv(os.path.join(clip_dir, 'labels.csv'))
        pred = read_prediction_csv(os.path.join(pred_root, f'{key}.csv'), len(gt))
        per_clip[key] = sibatracc(gt, pred)
        gts.append(gt)
        preds.append(pred)
    prf = tracking_prf(np.concatenate(gts), np.concatenate(preds), tol)
    return dict(SiBaTrAcc=float(np.mean(list(per_clip.values()))), per_clip=per_clip,
                precision=prf['precision'], recall=prf['recall'], f1=prf['f1'])


def main(argv=None):
    p = argparse.ArgumentParser(description='Evaluate ball-tracking CSVs (SiBaTrAcc)')
    p.add_argument('labels_root')
    p.add_argument('pred_root')
    p.add_argument('--tol', type=float, default=8.0, help='pixel tolerance for P/R/F1')
    a = p.parse_args(argv)
    try:
        res = evaluate(a.labels_root, a.pred_root, a.tol)
    except TennisDataError as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    for key, v in res['per_clip'].items():
        print(f'{key:20s} SiBaTrAcc {v:.4f}')
    print(f'{"mean":20s} SiBaTrAcc {res["SiBaTrAcc"]:.4f}  precision {res["precision"]:.4f}  '
          f'recall {res["recall"]:.4f}  F1 {res["f1"]:.4f}')
    print(json.dumps(res))
    return 0


if __name__ == '__main__':
    sys.exit(main())
