"""Re-apply spotting post-processing to saved raw scores (no model), and re-evaluate.

    python tools/transformer_spotting/respot.py RAW_DIR --out-dir DIR
        [--method soft_nms|nms|peaks] [--window 20] [--threshold 0.001] [--min-weight 0.0]
        [--max-per-class N] [--sigma 3 --height 0.2 --distance 15]
        [--fps 2] [--classes ...]
        [--labels-root ROOT --label-file Labels-v2.json --metric tight|loose|at1..at5
         [--games GAME ...]]

See :mod:`mmsport.cli.transformer_spotting_respot` (the work:
:mod:`mmsport.apis.postprocess.respot`).
"""
import sys

from mmsport.cli.transformer_spotting_respot import main

if __name__ == '__main__':
    sys.exit(main())
