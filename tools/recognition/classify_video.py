"""Deprecated path, kept for existing scripts; the tool moved:

    tools/recognition/inference.py (same arguments)
"""
import sys

from mmsport.apis.recognition_inference import main

if __name__ == '__main__':
    print('note: this tool moved to tools/recognition/inference.py', file=sys.stderr)
    sys.exit(main())
