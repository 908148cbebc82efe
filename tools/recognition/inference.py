"""Classify raw videos with a trained TSM recognizer, optionally fused with a detector.

    python tools/recognition/inference.py CONFIG CHECKPOINT VIDEO [VIDEO ...] --out-dir DIR
        [--det-config CFG --det-checkpoint CKPT --fusion-config FUSION_CFG --det-every 4]
        [--classes classes.txt] [--device cpu]

See :mod:`mmsport.cli.recognition_inference` for the decoding, fusion and outputs.
"""
import sys

from mmsport.cli.recognition_inference import main

if __name__ == '__main__':
    sys.exit(main())
