"""Command line: score ball-tracking prediction CSVs against a labelled root (any layout).

    python tools/ball_tracking/evaluate.py LABELS_ROOT PRED_ROOT [--tol PX] [--layout auto]
        [--clips KEY ...]

LABELS_ROOT is a root of any layout the readers accept (docs/formats.md: the
seed's game*/clip*/labels.csv, TrackNet's game*/Clip*/Label.csv, the
Shuttlecock Trajectory Dataset's match*/{video,csv}, <stem>.mp4 + <stem>.csv);
PRED_ROOT holds ``<clip key>.csv`` files ``frame,code,x,y`` at full resolution
(what tools/inference.py writes). Prints per-clip SiBaTrAcc and TrackNet's
accuracy/precision/recall/F1 at the tolerance used; the last stdout line is
JSON. A missing or malformed file is an error naming the file (exit 2).
"""
import argparse
import json
import sys

from mmsport.evaluation.ball_tracking_files import evaluate_tracking_files
from mmsport.fileio.errors import BallDataError


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description='Evaluate ball-tracking CSVs')
    p.add_argument('labels_root')
    p.add_argument('pred_root')
    p.add_argument('--tol', type=float, default=None,
                   help='pixel tolerance at full resolution (default: TrackNetV2 4 px at '
                        '512 wide, scaled: 10 px at 1280x720)')
    p.add_argument('--layout', default='auto')
    p.add_argument('--clips', nargs='+', help='score only these clip keys (e.g. a held-out split)')
    a = p.parse_args(argv)
    try:
        res = evaluate_tracking_files(a.labels_root, a.pred_root, a.tol, a.layout, a.clips)
    except BallDataError as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    print(f'{res["layout"]} layout, {len(res["per_clip"])} clips, tolerance {res["tol"]:.1f} px')
    for key, v in res['per_clip'].items():
        print(f'{key:24s} SiBaTrAcc {v:.4f}')
    print(f'{"all":24s} SiBaTrAcc {res["SiBaTrAcc"]:.4f}  accuracy {res["accuracy"]:.4f}  '
          f'precision {res["precision"]:.4f}  recall {res["recall"]:.4f}  F1 {res["f1"]:.4f}  '
          f'(TP {res["tp"]} FP1 {res["fp1"]} FP2 {res["fp2"]} FN {res["fn"]} TN {res["tn"]})')
    print(json.dumps(res))
    return 0


if __name__ == '__main__':
    sys.exit(main())
