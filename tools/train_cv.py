"""Deprecated path, kept for existing scripts; the tool moved:

    tools/ball_action/train_cv.py (same arguments)
"""
import sys

from mmsport.apis.cross_validation.spotting_cv import main

if __name__ == '__main__':
    print('note: this tool moved to tools/ball_action/train_cv.py', file=sys.stderr)
    sys.exit(main())
