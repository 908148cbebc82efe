"""Embed a folder of player crops and match it against a saved gallery.

    python tools/reid/inference.py CONFIG CHECKPOINT CROPS [CROPS ...] --gallery GALLERY.npz
        --out-dir DIR [--threshold T] [--batch-size 64] [--device cpu]

See :mod:`mmsport.apis.reid_matching` for the inputs and ``matches.csv``.
"""
import sys

from mmsport.apis.reid_matching import main

if __name__ == '__main__':
    sys.exit(main())
