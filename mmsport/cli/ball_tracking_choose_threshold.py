"""Choose a ball tracker's visibility threshold on a split of a labelled root.

    python tools/ball_tracking/choose_threshold.py CONFIG CHECKPOINT [--split train]
        [--clips KEY ...] [--thresholds 0.1 0.2 ...] [--max-gaps 4 8] [--max-jumps 120]
        [--raw raw.npz] [--out sweep.json]

Each clip of the split streams through the model once (decoded at threshold 0, so every
frame keeps its peak position and probability); the threshold is then swept on those raw
peaks (:mod:`mmsport.evaluation.ball_tracking_threshold`) with the config's
post-processing and tolerance (or a grid of its ``max_gap`` / ``max_jump``). Prints one
row per setting and the best by F1; the last stdout line is JSON. ``--raw`` keeps the
raw peaks in an npz, so a later sweep of the same model and clips skips the model. The
steps are :mod:`mmsport.apis.ball_tracking_threshold`. Exit code 2 on a bad input.
"""
import argparse
import json
import os
import sys


def _probability(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:  # nan fails too
        raise argparse.ArgumentTypeError(f'{text} is not a probability in [0, 1]')
    return value


def parse_args(argv=None):
    from mmsport.evaluation.ball_tracking_threshold import DEFAULT_THRESHOLDS
    p = argparse.ArgumentParser(description='Sweep the visibility threshold of a ball tracker')
    p.add_argument('config')
    p.add_argument('checkpoint')
    p.add_argument('--split', default='train', choices=('train', 'val', 'test'),
                   help="the config dataset whose clips are used (default: train, so the "
                        "held-out clips stay unseen)")
    p.add_argument('--clips', nargs='+', help='these clip keys of that dataset\'s root instead')
    p.add_argument('--thresholds', type=_probability, nargs='+', default=list(DEFAULT_THRESHOLDS),
                   help='visibility thresholds to try, each in [0, 1]')
    p.add_argument('--tol', type=float, default=None,
                   help='pixel tolerance (default: the config metric\'s, else TrackNetV2\'s)')
    p.add_argument('--max-gaps', type=int, nargs='+',
                   help="post-processing max_gap values to try (default: the config's)")
    p.add_argument('--max-jumps', type=float, nargs='+',
                   help="post-processing max_jump values (px/frame) to try")
    p.add_argument('--raw', help='npz of the raw peaks: read if it exists, else written')
    p.add_argument('--device', default='cpu')
    p.add_argument('--batch-size', type=int, default=16)
    p.add_argument('--out', help='write the sweep as JSON here (atomically)')
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    from mmengine.config import Config

    from mmsport.apis.ball_tracking import tracker_io_settings
    from mmsport.apis.ball_tracking_threshold import (load_raw_tracks, postprocess_grid,
                                                      raw_cache_key, raw_clip_tracks,
                                                      save_raw_tracks, split_clips)
    from mmsport.apis.inference import init_model
    from mmsport.evaluation.ball_tracking_threshold import (best_threshold,
                                                            sweep_visibility_threshold)
    from mmsport.fileio.errors import BallDataError
    from mmsport.utils.atomic import atomic_open
    cfg = Config.fromfile(args.config)
    try:
        root, layout, clips = split_clips(cfg, args.split, args.clips)
        io = tracker_io_settings(cfg)
        key = raw_cache_key(args.config, args.checkpoint, clips, io)
        if args.raw and os.path.isfile(args.raw):
            records = load_raw_tracks(args.raw, key)
            print(f'{args.raw}: raw peaks of {len(records)} clip(s)')
        else:
            print(f'{root}: {layout} layout, {len(clips)} clip(s) of the {args.split} split')
            model = init_model(cfg, args.checkpoint, args.device)
            records = raw_clip_tracks(model, clips, io, args.batch_size)
            if args.raw:
                save_raw_tracks(args.raw, records, key)
    except BallDataError as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    metric = cfg.get('test_evaluator', {})
    metric = metric if isinstance(metric, dict) else {}
    tol = args.tol if args.tol is not None else metric.get('tol')
    rows = []
    for pp in postprocess_grid(metric.get('postprocess', dict()), args.max_gaps,
                               args.max_jumps):
        for r in sweep_visibility_threshold(records, args.thresholds, tol, pp):
            r['postprocess'] = pp
            rows.append(r)
    print(f'{"thr":>5s} {"F1":>7s} {"prec":>7s} {"recall":>7s} {"acc":>7s} {"SiBaTrAcc":>9s}'
          '  post-processing')
    for r in rows:
        print(f"{r['thr']:5.2f} {r['f1']:7.4f} {r['precision']:7.4f} {r['recall']:7.4f} "
              f"{r['accuracy']:7.4f} {r['SiBaTrAcc']:9.4f}  {r['postprocess']}")
    best = best_threshold(rows)
    opts = f"model.codec.vis_thr={best['thr']:.2f}"
    if best['postprocess'] is not None:
        opts += ''.join(f' test_evaluator.postprocess.{k}={v}'
                        for k, v in best['postprocess'].items())
    print(f"best F1 {best['f1']:.4f} (tolerance {best['tol']:.1f} px; {len(records)} clips, "
          f"{sum(len(r['gt']) for r in records)} frames); test with --cfg-options {opts}")
    res = dict(config=args.config, checkpoint=args.checkpoint, split=args.split,
               clips=[r['key'] for r in records], sweep=rows, best=best)
    if args.out:
        with atomic_open(args.out, 'w') as f:
            json.dump(res, f, indent=1)
    print(json.dumps(dict(best_thr=best['thr'], best_f1=best['f1'],
                          best_postprocess=best['postprocess'])))
    return 0


if __name__ == '__main__':
    sys.exit(main())
