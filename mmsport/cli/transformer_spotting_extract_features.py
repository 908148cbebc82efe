"""Teacher features for COMEDIAN-style distillation: one 3D-CNN embedding per timestep.

    python tools/transformer_spotting/extract_features.py TEACHER_CONFIG [TEACHER_CHECKPOINT] \
        DATA_ROOT --out-dir DIR
        [--fps 2] [--clip-len 16] [--clip-step 1] [--input-size W H | --short-side 224]
        [--batch-size 8] [--chunk-frames 64] [--device cpu] [--games GAME ...]
        [--label-file Labels-v2.json] [--skip-existing]

For every game half of a SoccerNet data root writes ``DIR/<game>/<half>_features.npy``,
float32 (N, D), one row per timestep. The work is done by
:func:`mmsport.apis.features.extract_features.run` (its module docstring describes the
clips, the teacher, the frame sizes and the decoding). A missing or corrupt video is
reported and skipped; the exit status is 1 if any half failed (or DATA_ROOT is missing).
"""
import argparse
import os
import sys


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description='Extract per-timestep teacher features (3D CNN) of SoccerNet halves',
        usage='%(prog)s TEACHER_CONFIG [TEACHER_CHECKPOINT] DATA_ROOT --out-dir DIR [options]')
    p.add_argument('paths', nargs='+', metavar='TEACHER_CONFIG [TEACHER_CHECKPOINT] DATA_ROOT',
                   help='mmaction2 recognizer config (path or mmaction::...), optional '
                   'checkpoint (path or URL; none: random weights), SoccerNet data root')
    p.add_argument('--out-dir', required=True)
    p.add_argument('--fps', type=float, default=2.0, help='timesteps per second')
    p.add_argument('--clip-len', type=int, default=16, help='source frames per clip')
    p.add_argument('--clip-step', type=int, default=1, help='source frames between clip frames')
    size = p.add_mutually_exclusive_group()
    size.add_argument('--input-size', type=int, nargs=2, metavar=('W', 'H'),
                      help='decode frames at exactly W x H')
    size.add_argument('--short-side', type=int,
                      help='decode keeping the aspect ratio, short side S (default 224)')
    p.add_argument('--batch-size', type=int, default=8, help='clips per forward pass')
    p.add_argument('--chunk-frames', type=int, default=64,
                   help='source frames decoded per decord call')
    p.add_argument('--device', default='cpu')
    p.add_argument('--games', nargs='+', help='game paths relative to DATA_ROOT '
                   '(default: every game holding --label-file)')
    p.add_argument('--label-file', default='Labels-v2.json')
    p.add_argument('--skip-existing', action='store_true',
                   help='keep halves whose feature file exists with the right length')
    args = p.parse_args(argv)
    if len(args.paths) == 2:
        args.config, args.checkpoint, args.data_root = args.paths[0], None, args.paths[1]
    elif len(args.paths) == 3:
        args.config, args.checkpoint, args.data_root = args.paths
    else:
        p.error(f'expected TEACHER_CONFIG [TEACHER_CHECKPOINT] DATA_ROOT, got {args.paths}')
    if args.input_size is None and args.short_side is None:
        args.short_side = 224
    for name in ('clip_len', 'clip_step', 'batch_size', 'chunk_frames'):
        if getattr(args, name) < 1:
            p.error(f'--{name.replace("_", "-")} must be >= 1, got {getattr(args, name)}')
    if not args.fps > 0:
        p.error(f'--fps must be > 0, got {args.fps}')
    if args.input_size is not None and min(args.input_size) < 1 or \
            args.short_side is not None and args.short_side < 1:
        p.error('frame sizes must be >= 1')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    from mmsport.apis.features.extract_features import _logger, run
    logger = _logger()
    if not os.path.isdir(args.data_root):
        logger.error(f'{args.data_root}: no such data root')
        return 1
    summary = run(config=args.config, checkpoint=args.checkpoint, data_root=args.data_root,
                  out_dir=args.out_dir, fps=args.fps, clip_len=args.clip_len,
                  clip_step=args.clip_step, input_size=args.input_size,
                  short_side=args.short_side, batch_size=args.batch_size,
                  chunk_frames=args.chunk_frames, device=args.device, games=args.games,
                  label_file=args.label_file, skip_existing=args.skip_existing, logger=logger)
    return 1 if summary['failed'] else 0


if __name__ == '__main__':
    sys.exit(main())
