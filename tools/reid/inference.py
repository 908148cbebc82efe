"""Embed a folder of player crops and match it against a saved gallery.

    python tools/reid/inference.py CONFIG CHECKPOINT CROPS [CROPS ...] --gallery GALLERY.npz
        --out-dir DIR [--threshold T] [--batch-size 64] [--device cpu]

See :mod:`mmsport.cli.reid_inference` for the inputs and ``matches.csv``.
"""
import sys

from mmsport.cli.reid_inference import main

if __name__ == '__main__':
    sys.exit(main())
