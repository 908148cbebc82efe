"""Deprecated path, kept for existing scripts; the tool moved:

    tools/transformer_spotting/respot.py (same arguments)
"""
import sys

from mmsport.apis.postprocess.respot import main

if __name__ == '__main__':
    print('note: this tool moved to tools/transformer_spotting/respot.py', file=sys.stderr)
    sys.exit(main())
