"""Ball-tracking inference on videos, clip folders or dataset roots of any layout.

    python tools/ball_tracking/inference.py CONFIG CHECKPOINT INPUT [INPUT ...] --out-dir DIR
        [--nproc N] [--vis] [--device cpu|cuda] [--batch-size 16]

INPUT is a video file (mp4/mkv/..., any length and resolution), one clip folder
(0000.jpg, ...), or a root of any ball-tracking layout (docs/formats.md: the
seed's game*/clip*, TrackNet's game*/Clip*, the Shuttlecock Trajectory
Dataset's match*/video, a folder of videos with or without <stem>.csv labels).
Writes one CSV per video/clip with columns ``frame,code,x,y`` at the source
resolution (x, y empty when code is 0): ``DIR/<clip key>.csv``, e.g.
``DIR/<video stem>.csv``, ``DIR/game<G>/clip<C>.csv``, ``DIR/match<M>/<rally>.csv``.
Frames stream through the model (each decoded once, also with ``--vis``; memory
stays flat as videos get longer); the logic is ``mmsport.apis.BallTrackingInferencer``. ``--vis``
also writes ``<name>_heatmap.mp4`` and ``<name>_track.mp4`` (ball, trajectory
tail, running SiBaTrAcc when labels exist).

A bad video or clip is reported and skipped; every output is written
atomically, so nothing already written is lost. Exit status is 1 if any input
failed.

(also reachable as ``tools/inference.py CONFIG ...`` for a ball-tracking config).
"""
import argparse
import sys


def parse_args(argv=None):
    p = argparse.ArgumentParser(description='mmsport ball-tracking inference')
    p.add_argument('config')
    p.add_argument('checkpoint')
    p.add_argument('inputs', nargs='+', help='videos, clip folders or dataset roots')
    p.add_argument('--out-dir', required=True)
    p.add_argument('--nproc', type=int, default=1, help='worker processes')
    p.add_argument('--device', default='cpu')
    p.add_argument('--batch-size', type=int, default=16)
    p.add_argument('--vis', action='store_true', help='also write overlay videos')
    p.add_argument('--tail', type=int, default=8, help='trajectory tail length (frames)')
    p.add_argument('--no-postprocess', action='store_true',
                   help='write raw per-frame decodes (no gap filling / outlier rejection)')
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    from mmengine.logging import MMLogger

    from mmsport.apis.inferencers.ball_tracking_batch import track_many
    from mmsport.utils.interrupt import sigterm_as_interrupt
    logger = MMLogger.get_instance('mmsport-inference', log_level='INFO')
    failures, n_done = [], 0
    try:  # SIGTERM is handled as Ctrl-C: partial outputs removed, a summary, exit 130
        with sigterm_as_interrupt():
            for res in track_many(args.config, args.checkpoint, args.inputs, args.out_dir,
                                  args.nproc, args.device, args.batch_size, args.vis,
                                  args.tail, not args.no_postprocess, log=logger.info):
                n_done += 1  # one line per finished clip is the progress report
                if res['error']:
                    failures.append((res['source'], res['error']))
                    logger.error(f"[{n_done}] FAILED {res['source']}: {res['error']}")
                else:
                    fps = res['frames'] / max(res['seconds'], 1e-9)
                    logger.info(f"[{n_done}] {res['source']}: {res['frames']} frames in "
                                f"{res['seconds']:.1f}s ({fps:.1f} fps)")
    except KeyboardInterrupt:
        logger.error(f'interrupted: {n_done - len(failures)} clip(s) finished and kept, '
                     f'{len(failures)} failed; the clip in progress was not written '
                     f'(no partial files left in {args.out_dir})')
        return 130
    if not n_done:
        logger.error(f'no videos or clips found in {args.inputs}')
        return 1
    logger.info(f'done: {n_done - len(failures)} ok, {len(failures)} failed; '
                f'outputs in {args.out_dir}')
    for src, err in failures:
        logger.error(f'  {src}: {err}')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
