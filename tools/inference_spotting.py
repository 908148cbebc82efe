"""Deprecated path, kept for existing scripts; the tool moved:

    tools/ball_action/inference.py (same arguments)
"""
import sys

from mmsport.apis.spotting_inference import main

if __name__ == '__main__':
    print('note: this tool moved to tools/ball_action/inference.py', file=sys.stderr)
    sys.exit(main())
