"""Deprecated path, kept for existing scripts; the tool moved:

    tools/transformer_spotting/inference.py (same arguments)
"""
import sys

from mmsport.apis.transformer_spotting_inference import main

if __name__ == '__main__':
    print('note: this tool moved to tools/transformer_spotting/inference.py', file=sys.stderr)
    sys.exit(main())
