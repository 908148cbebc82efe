"""Deprecated path, kept for existing scripts; the tool moved:

    tools/recognition/ensemble.py (same arguments)
"""
import sys

from mmsport.apis.postprocess.ensemble import main

if __name__ == '__main__':
    print('note: this tool moved to tools/recognition/ensemble.py', file=sys.stderr)
    sys.exit(main())
