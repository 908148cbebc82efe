"""Strip a training checkpoint to its weights for release (OpenMMLab's publish_model).

    python tools/publish_model.py IN.pth OUT.pth     # writes OUT-<sha256[:8]>.pth

Keeps ``state_dict`` and a few ``meta`` fields (iteration, seed); drops the optimizer,
scheduler and message hub. The logic is ``mmsport.engine.checkpoint.publish_checkpoint``.
"""
import argparse
import sys

from mmsport.engine.checkpoint import CheckpointMismatchError, publish_checkpoint


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog='tools/publish_model.py',
                                description='Strip a checkpoint to its weights for release')
    p.add_argument('in_file')
    p.add_argument('out_file')
    a = p.parse_args(argv)
    try:
        print(publish_checkpoint(a.in_file, a.out_file))
    except CheckpointMismatchError as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
