"""PCA of per-timestep teacher features (COMEDIAN distillation targets), same layout out.

    python tools/transformer_spotting/pca_features.py FEATURE_DIR --out-dir DIR [--dim 512]
        [--fit-games GAME ...]
        [--max-fit-rows 200000] [--whiten | --rescale] [--seed 0] [--load-pca PCA_NPZ]

See :mod:`mmsport.cli.transformer_spotting_pca_features` (the work:
:mod:`mmsport.apis.features.pca`).
"""
import sys

from mmsport.cli.transformer_spotting_pca_features import main

if __name__ == '__main__':
    sys.exit(main())
