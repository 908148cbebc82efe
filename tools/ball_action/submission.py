"""Raw per-frame spotting scores -> SoccerNet ``results_spotting.json`` files + zip.

    python tools/ball_action/submission.py RAW_DIR [RAW_DIR ...] --out-dir OUT
        [--config CFG] [--classes PASS DRIVE] [--fps 25]
        [--sigma 3 --height 0.2 --distance 15]
        [--labels-root ROOT --label-file Labels-ball.json] [--plot-dir DIR] [--zip PATH]

See :mod:`mmsport.cli.ball_action_submission` (the work:
:mod:`mmsport.apis.postprocess.spotting_submission`).
"""
import sys

from mmsport.cli.ball_action_submission import main

if __name__ == '__main__':
    sys.exit(main())
