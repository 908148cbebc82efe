"""Teacher features for COMEDIAN-style distillation: one 3D-CNN embedding per timestep.

    python tools/transformer_spotting/extract_features.py TEACHER_CONFIG [TEACHER_CHECKPOINT] \
        DATA_ROOT --out-dir DIR
        [--fps 2] [--clip-len 16] [--clip-step 1] [--input-size W H | --short-side 224]
        [--batch-size 8] [--chunk-frames 64] [--device cpu] [--games GAME ...]
        [--label-file Labels-v2.json] [--skip-existing]

See :mod:`mmsport.cli.transformer_spotting_extract_features` (the work:
:mod:`mmsport.apis.features.extract_features`).
"""
import sys

from mmsport.cli.transformer_spotting_extract_features import main

if __name__ == '__main__':
    sys.exit(main())
