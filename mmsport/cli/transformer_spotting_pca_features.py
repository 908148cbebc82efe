"""PCA of per-timestep teacher features (COMEDIAN distillation targets), same layout out.

    python tools/transformer_spotting/pca_features.py FEATURE_DIR --out-dir DIR [--dim 512]
        [--fit-games GAME ...]
        [--max-fit-rows 200000] [--whiten | --rescale] [--seed 0] [--load-pca PCA_NPZ]

Fits a PCA on the ``FEATURE_DIR/<game>/<half>_features.npy`` rows of ``--fit-games``
(default: all) and writes ``DIR/<game>/<half>_features.npy`` (N, dim) for every game
plus ``DIR/pca.npz``; ``--load-pca`` projects with a saved ``pca.npz`` instead. The work
is done by :func:`mmsport.apis.features.pca.run` (its module docstring describes the
fit, ``--whiten`` / ``--rescale`` and the outputs). Exit status: 0, or 2 on an input
error (message on the log).
"""
import argparse
import sys


def parse_args(argv=None):
    p = argparse.ArgumentParser(description='PCA of per-timestep teacher features')
    p.add_argument('feature_dir', help='folder of <game>/<half>_features.npy')
    p.add_argument('--out-dir', required=True)
    p.add_argument('--dim', type=int, default=512, help='components kept')
    p.add_argument('--fit-games', nargs='+', help='games (relative paths) the PCA is fit on '
                   '(default: all)')
    p.add_argument('--max-fit-rows', type=int, default=200000,
                   help='fit on a random subset of this many rows when there are more')
    scaling = p.add_mutually_exclusive_group()
    scaling.add_argument('--whiten', action='store_true', help='unit variance per component')
    scaling.add_argument('--rescale', action='store_true',
                         help='one factor for all components: mean variance 1')
    p.add_argument('--seed', type=int, default=0, help='seed of the row subset')
    p.add_argument('--load-pca', metavar='PCA_NPZ', help='project with this pca.npz, no fit')
    args = p.parse_args(argv)
    if args.dim < 1 or args.max_fit_rows < 1:
        p.error('--dim and --max-fit-rows must be >= 1')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    from mmsport.apis.features.pca import PCAToolError, _logger, run
    logger = _logger()
    try:
        run(feature_dir=args.feature_dir, out_dir=args.out_dir, dim=args.dim,
            fit_games=args.fit_games, max_fit_rows=args.max_fit_rows, whiten=args.whiten,
            rescale=args.rescale, seed=args.seed, pca_file=args.load_pca, logger=logger)
    except PCAToolError as e:
        logger.error(str(e))
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
