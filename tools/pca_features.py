"""Deprecated path, kept for existing scripts; the tool moved:

    tools/transformer_spotting/pca_features.py (same arguments)
"""
import sys

from mmsport.apis.features.pca import main

if __name__ == '__main__':
    print('note: this tool moved to tools/transformer_spotting/pca_features.py', file=sys.stderr)
    sys.exit(main())
