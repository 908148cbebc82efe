"""Transformer action spotting (ViViTSpotter) on a raw match video or a SoccerNet root.

    python tools/transformer_spotting/inference.py CONFIG CHECKPOINT VIDEO_OR_DATA_ROOT
        --out-dir DIR [--games GAME ...] [--label-file Labels-v2.json] [--device cpu]
        [--zip DIR/submission.zip] [--skip-existing] [--nproc N]

See :mod:`mmsport.cli.transformer_spotting_inference`.
"""
import sys

from mmsport.cli.transformer_spotting_inference import main

if __name__ == '__main__':
    sys.exit(main())
