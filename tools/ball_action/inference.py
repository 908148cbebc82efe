"""Ball-action spotting inference on a raw match video or a SoccerNet data root.

    python tools/ball_action/inference.py CONFIG CHECKPOINT VIDEO_OR_DATA_ROOT --out-dir DIR
        [--flip-tta] [--folds CKPT ...] [--device cpu|cuda] [--batch-size 16]
        [--stride 1] [--input-size W H] [--sigma 3 --height 0.2 --distance 15]
        [--label-file Labels-ball.json] [--skip-existing] [--plot] [--nproc N]

See :mod:`mmsport.cli.ball_action_spotting_inference`.
"""
import sys

from mmsport.cli.ball_action_spotting_inference import main

if __name__ == '__main__':
    sys.exit(main())
