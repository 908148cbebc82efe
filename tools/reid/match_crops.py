"""Deprecated path, kept for existing scripts; the tool moved:

    tools/reid/inference.py (same arguments)
"""
import sys

from mmsport.apis.reid_matching import main

if __name__ == '__main__':
    print('note: this tool moved to tools/reid/inference.py', file=sys.stderr)
    sys.exit(main())
