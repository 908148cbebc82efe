"""Deprecated path, kept for existing scripts; the tool moved:

    tools/ball_action/submission.py (same arguments)
"""
import sys

from mmsport.apis.postprocess.spotting_submission import main

if __name__ == '__main__':
    print('note: this tool moved to tools/ball_action/submission.py', file=sys.stderr)
    sys.exit(main())
