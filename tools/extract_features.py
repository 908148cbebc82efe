"""Deprecated path, kept for existing scripts; the tool moved:

    tools/transformer_spotting/extract_features.py (same arguments)
"""
import sys

from mmsport.apis.features.extract_features import main

if __name__ == '__main__':
    print('note: moved to tools/transformer_spotting/extract_features.py', file=sys.stderr)
    sys.exit(main())
