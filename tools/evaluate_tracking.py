"""Deprecated path, kept for existing scripts; the tool moved:

    tools/ball_tracking/evaluate.py (same arguments)
"""
import sys

from mmsport.evaluation.ball_tracking_cli import main

if __name__ == '__main__':
    print('note: this tool moved to tools/ball_tracking/evaluate.py', file=sys.stderr)
    sys.exit(main())
