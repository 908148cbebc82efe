"""PCA of per-timestep teacher features (COMEDIAN distillation targets), same layout out.

    python tools/transformer_spotting/pca_features.py FEATURE_DIR --out-dir DIR [--dim 512]
        [--fit-games GAME ...]
        [--max-fit-rows 200000] [--whiten | --rescale] [--seed 0] [--load-pca PCA_NPZ]

Reads every ``FEATURE_DIR/<game>/<half>_features.npy`` (N, D) (as written by
``tools/transformer_spotting/extract_features.py``), fits a PCA on the rows of the ``--fit-games`` (default:
all; pass the training games so that val/test features play no part in the fit) and
writes ``DIR/<game>/<half>_features.npy`` float32 (N, dim) for EVERY game found, plus
``DIR/pca.npz`` (``mean`` (D,), ``components`` (dim, D), ``explained_variance`` (dim,),
``explained_variance_ratio`` (dim,), ``singular_values`` (dim,), ``whiten``, ``scale``,
``n_fit_rows``, ``n_available_rows``, ``seed``, ``fit_games``). A row ``x`` maps to
``(x - mean) @ components.T`` (divided by ``sqrt(explained_variance)`` with
``--whiten``), exactly sklearn's ``PCA.transform``; ``--rescale`` multiplies every
component by one number, ``scale = 1 / sqrt(mean(explained_variance))``, so the targets
have a mean square of 1 per component while keeping the components' relative variances
(an MSE regression is then dominated by the strong components, unlike with ``--whiten``).
``--load-pca`` projects with a saved ``pca.npz`` instead of fitting (e.g. new games with
the training PCA); it is copied to ``DIR/pca.npz``. Every file is written atomically, so re-running over the
same DIR replaces each output whole.

Fit: sklearn ``PCA(svd_solver='full')`` (exact, deterministic) on at most
``--max-fit-rows`` rows; when the fit games hold more, a uniform random subset of rows
(``--seed``) is read through memory maps. Chosen over ``IncrementalPCA`` on all rows:
at 2 fps consecutive timesteps are near duplicates, so 200k random rows of SoccerNet's
~5M (500 games x 2 halves x 45 min) pin down the top-512 subspace as well as all of
them, with one read of those rows (800 MB at D=1024) instead of a pass over the whole
set (20+ GB) and an SVD per batch. Raise ``--max-fit-rows`` if memory allows.

``--dim`` larger than D or than the fit rows is an error (not silently reduced: the
student's distillation head is configured for ``dim``, and a smaller target would
only fail later, less clearly). With ``--whiten`` a component of zero variance is an
error too. Exit status: 0, or 2 on such an error (message on the log). The command line
is :mod:`mmsport.cli.transformer_spotting_pca_features`; in Python, :func:`run`.
"""
import os
import re
import shutil

import numpy as np

from mmsport.fileio.containers import check_finite

LOGGER_NAME = 'mmsport-pca-features'
PCA_FILE = 'pca.npz'
_FEATURE_RE = re.compile(r'^(\d+)_features\.npy$')


class PCAToolError(ValueError):
    """Bad input for the PCA tool; the message names the file or setting."""


def find_feature_files(feature_dir: str, exclude: str = None):
    """Sorted (game, half, path) of every ``<game>/<half>_features.npy`` under ``feature_dir``.

    ``exclude``: a folder to leave out (the output folder, when inside ``feature_dir``).
    """
    if not os.path.isdir(feature_dir):
        raise PCAToolError(f'{feature_dir}: not a directory')
    ex = os.path.realpath(exclude) if exclude else None
    found = []
    for dirpath, dirnames, filenames in os.walk(feature_dir):
        if ex is not None:
            dirnames[:] = [d for d in dirnames
                           if os.path.realpath(os.path.join(dirpath, d)) != ex]
        dirnames.sort()
        game = os.path.relpath(dirpath, feature_dir).replace(os.sep, '/')
        for name in filenames:
            m = _FEATURE_RE.match(name)
            if m and game != '.':
                found.append((game, int(m.group(1)), os.path.join(dirpath, name)))
    if not found:
        raise PCAToolError(f'{feature_dir}: no <game>/<half>_features.npy files')
    return sorted(found)


def _shape(path: str):
    try:
        shape = np.load(path, mmap_mode='r').shape
    except (OSError, ValueError) as e:
        raise PCAToolError(f'{path}: cannot be read as an .npy array ({e})') from e
    if len(shape) != 2:
        raise PCAToolError(f'{path}: shape {shape}, expected (timesteps, D)')
    return shape


def fit_rows(paths, max_rows: int, seed: int):
    """(R, D) float32 rows of ``paths`` (all, or a sorted uniform subset of ``max_rows``).

    Returns:
        (rows (R, D) float32, number of rows available).
    """
    shapes = [_shape(p) for p in paths]
    dims = {s[1] for s in shapes}
    if len(dims) != 1:
        raise PCAToolError('feature files differ in D: ' + ', '.join(
            f'{p}: {s[1]}' for p, s in zip(paths, shapes)))
    counts = np.array([s[0] for s in shapes], np.int64)
    total = int(counts.sum())
    offsets = np.concatenate([[0], np.cumsum(counts)])
    sel = None
    if total > max_rows:
        sel = np.sort(np.random.default_rng(seed).choice(total, max_rows, replace=False))
    parts = []
    for i, p in enumerate(paths):
        x = np.load(p, mmap_mode='r')
        if sel is None:
            parts.append(np.asarray(x, np.float32))
        else:
            lo, hi = np.searchsorted(sel, [offsets[i], offsets[i + 1]])
            parts.append(np.asarray(x[sel[lo:hi] - offsets[i]], np.float32))
        check_finite(p, 'features' if sel is None else 'features (sampled rows)', parts[-1],
                     PCAToolError)
    return np.concatenate(parts), total


def fit_pca(x: np.ndarray, dim: int, whiten: bool = False, seed: int = 0,
            rescale: bool = False) -> dict:
    """PCA parameters of rows ``x`` (R, D) (sklearn ``PCA(svd_solver='full')``)."""
    from sklearn.decomposition import PCA
    r, d = x.shape
    if dim > d:
        raise PCAToolError(f'--dim {dim} > feature dimension D={d}; use --dim <= {d}')
    if dim > r:
        raise PCAToolError(f'--dim {dim} > {r} fit rows; use --dim <= {r} or more fit games')
    pca = PCA(n_components=dim, whiten=whiten, svd_solver='full', random_state=seed).fit(x)
    ev = np.asarray(pca.explained_variance_)
    if whiten and (not np.all(np.isfinite(ev)) or ev.min() <= 1e-12 * max(ev.max(), 1e-30)):
        k = int(np.argmin(ev))
        raise PCAToolError(f'--whiten: component {k} has (near) zero variance ({ev[k]:.3g}); '
                           f'the fit rows span fewer than {dim} dimensions, lower --dim')
    return dict(mean=pca.mean_, components=pca.components_, explained_variance=ev,
                explained_variance_ratio=pca.explained_variance_ratio_,
                singular_values=pca.singular_values_, whiten=np.bool_(whiten),
                scale=np.float64(1.0 / np.sqrt(ev.mean()) if rescale else 1.0))


def project(x: np.ndarray, params: dict) -> np.ndarray:
    """(N, dim) float32 projection of features ``x`` (N, D) (float64 internally)."""
    z = (np.asarray(x, np.float64) - params['mean']) @ np.asarray(params['components'],
                                                                  np.float64).T
    if bool(params['whiten']):
        z /= np.sqrt(np.asarray(params['explained_variance'], np.float64))
    z *= float(params.get('scale', 1.0))
    return z.astype(np.float32)


def load_pca(path: str) -> dict:
    """Parameters of a saved ``pca.npz``."""
    from mmsport.fileio.containers import NPZ_ERRORS
    try:
        z = np.load(path)
        if not hasattr(z, 'files'):
            raise PCAToolError(f'{path}: not a pca.npz (a single .npy array)')
        with z:
            params = {k: z[k] for k in z.files}
    except PCAToolError:
        raise
    except NPZ_ERRORS as e:  # also a truncated / corrupt zip
        raise PCAToolError(f'{path}: cannot be read as a pca.npz ({type(e).__name__}: '
                           f'{e})') from e
    missing = {'mean', 'components', 'explained_variance', 'whiten'} - set(params)
    if missing:
        raise PCAToolError(f'{path}: not a pca.npz (missing {sorted(missing)})')
    for k in ('mean', 'components', 'explained_variance'):
        check_finite(path, k, params[k], PCAToolError)
    return params


def save_npy(path: str, arr: np.ndarray):
    from mmsport.utils.atomic import atomic_open
    with atomic_open(path, 'wb') as f:
        np.save(f, arr)


def _logger():
    from mmengine.logging import MMLogger
    return (MMLogger.get_instance(LOGGER_NAME) if MMLogger.check_instance_created(LOGGER_NAME)
            else MMLogger.get_instance(LOGGER_NAME, log_level='INFO'))


def run(*, feature_dir: str, out_dir: str, dim: int = 512, fit_games=None,
        max_fit_rows: int = 200000, whiten: bool = False, rescale: bool = False,
        seed: int = 0, pca_file: str = None, logger=None) -> dict:
    """Fit (or load) the PCA and project every feature file; returns the PCA parameters.

    Args:
        feature_dir: folder of ``<game>/<half>_features.npy`` (N, D).
        out_dir: where the projected files and ``pca.npz`` go (not ``feature_dir``).
        dim: components kept.
        fit_games: games (relative paths) the PCA is fit on; None: all.
        max_fit_rows: fit on a random subset of this many rows when there are more.
        whiten / rescale: unit variance per component / one factor for all (mean 1).
        seed: seed of the row subset.
        pca_file: project with this saved ``pca.npz`` (``--load-pca``) instead of fitting.
        logger: a logger (default: this module's MMLogger).

    Raises:
        PCAToolError: bad input, the message names the file or setting.
    """
    from mmsport.utils.atomic import atomic_open
    logger = _logger() if logger is None else logger
    if os.path.realpath(out_dir) == os.path.realpath(feature_dir):
        raise PCAToolError(f'--out-dir {out_dir} is FEATURE_DIR: the inputs would be '
                           f'overwritten')
    files = find_feature_files(feature_dir, exclude=out_dir)
    games = sorted({g for g, _, _ in files})
    pca_out = os.path.join(out_dir, PCA_FILE)
    if pca_file:
        params = load_pca(pca_file)
        d = _shape(files[0][2])[1]
        if params['mean'].shape[0] != d:
            raise PCAToolError(f'{pca_file}: fit on D={params["mean"].shape[0]}, '
                               f'{files[0][2]} has D={d}')
        logger.info(f'{pca_file}: PCA {d} -> {params["components"].shape[0]} dims')
        if os.path.realpath(pca_file) != os.path.realpath(pca_out):
            os.makedirs(out_dir, exist_ok=True)
            with atomic_open(pca_out, 'wb') as f, open(pca_file, 'rb') as src:
                shutil.copyfileobj(src, f)
    else:
        fit_games = list(fit_games) if fit_games else games
        unknown = sorted(set(fit_games) - set(games))
        if unknown:
            raise PCAToolError(f'--fit-games not found under {feature_dir}: {unknown}')
        paths = [p for g, _, p in files if g in set(fit_games)]
        x, total = fit_rows(paths, max_fit_rows, seed)
        logger.info(f'fitting PCA {x.shape[1]} -> {dim} dims on {len(x)} of {total} '
                    f'rows ({len(paths)} halves of {len(fit_games)} game(s))')
        params = fit_pca(x, dim, whiten, seed, rescale)
        del x
        params.update(n_fit_rows=np.int64(min(total, max_fit_rows)),
                      n_available_rows=np.int64(total), seed=np.int64(seed),
                      fit_games=np.array(fit_games, dtype=str))
        logger.info(f'explained variance ratio {params["explained_variance_ratio"].sum():.4f} '
                    f'(first component {params["explained_variance_ratio"][0]:.4f})')
        os.makedirs(out_dir, exist_ok=True)
        with atomic_open(pca_out, 'wb') as f:
            np.savez(f, **params)
    for i, (game, half, path) in enumerate(files, 1):
        try:
            x = np.load(path, mmap_mode='r')
        except (OSError, ValueError) as e:  # a truncated .npy
            raise PCAToolError(f'{path}: cannot be read as an .npy array ({e})') from e
        if x.ndim != 2 or x.shape[1] != params['mean'].shape[0]:
            raise PCAToolError(f'{path}: shape {x.shape}, expected (N, {params["mean"].shape[0]})')
        check_finite(path, 'features', x, PCAToolError)  # a NaN / inf row, named
        z = project(x, params)
        out = os.path.join(out_dir, game, f'{half}_features.npy')
        save_npy(out, z)
        logger.info(f'[{i}/{len(files)}] {game} half {half}: {x.shape} -> {z.shape} -> {out}')
    logger.info(f'done: {len(files)} feature file(s) and {pca_out}')
    return params

