"""Classify raw videos with a trained TSM recognizer, optionally fused with a detector.

    python tools/recognition/inference.py CONFIG CHECKPOINT VIDEO [VIDEO ...] --out-dir DIR
        [--det-config CFG --det-checkpoint CKPT --fusion-config FUSION_CFG --det-every 4]
        [--classes classes.txt] [--device cpu]

(also reachable as ``tools/inference.py CONFIG CHECKPOINT VIDEO ...`` for a recognizer
config). The config's test pipeline is used with its decoding replaced: each frame the
recognizer samples or the detector needs is decoded once (decord, forward, in chunks).
With a detector, every ``--det-every``-th frame is run through it, the per-category
maximum score is the video's evidence, and the fusion rules of
``--fusion-config`` (e.g. configs/recognition/fusion_ball-evidence_actionrec-synthetic.py)
adjust the class scores, as ``tools/recognition/ensemble.py`` does for a test set.

The work is done by :class:`mmsport.apis.RecognitionInferencer`.
Writes ``DIR/<stem>.json`` per video (``label``, ``scores`` per class, and with a
detector ``evidence`` per category) atomically. A video that cannot be read is
reported and skipped; the exit status is 1 if any failed.
"""
import argparse
import sys


def parse_args(argv=None):
    p = argparse.ArgumentParser(description='classify raw videos (TSM [+ detector fusion])')
    p.add_argument('config')
    p.add_argument('checkpoint')
    p.add_argument('videos', nargs='+')
    p.add_argument('--out-dir', required=True)
    p.add_argument('--classes', help='class names file (default: the config\'s classes_file)')
    p.add_argument('--det-config')
    p.add_argument('--det-checkpoint')
    p.add_argument('--fusion-config', help='config with a `fusion` dict (needs a detector)')
    p.add_argument('--det-every', type=int, default=4, help='detector on every k-th frame')
    p.add_argument('--device', default='cpu')
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    from mmsport.apis.inferencers import RecognitionInferencer
    try:
        rec = RecognitionInferencer(args.config, args.checkpoint, args.device, args.classes,
                                    args.det_config, args.det_checkpoint, args.fusion_config,
                                    args.det_every, show_progress=False)
    except (FileNotFoundError, ValueError) as e:
        print(f'error: {e} (--classes, --det-config)', file=sys.stderr)
        return 2
    failed = 0
    for res in rec(args.videos, out_dir=args.out_dir)['predictions']:
        if res['error']:
            failed += 1
            print(f"FAILED {res['source']}: {res['error']}", file=sys.stderr)
        else:
            print(f"{res['source']}: {res['label']} ({max(res['scores']):.3f})")
    print(f'{len(args.videos) - failed} classified, {failed} failed -> {args.out_dir}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
