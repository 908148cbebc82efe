"""Open-set K-fold training for player re-identification: every fold, one command.

    python tools/reid/train_cv.py CONFIG [--work-dir DIR] [--folds 0 1 ...] [--gpus N]
        [--fold-dir DIR] [--load-from-cv DIR] [--cfg-options k=v ...]

The split (K folds from the config's dataset settings: ``num_folds``,
``unknowns_per_fold``, ``val_ratio``, ``fold_seed``) is written once to
``DIR/fold_metadata`` (``fold{k}_train_samples.csv``, ``fold{k}_val_samples.csv``,
``fold{k}_unknown_labels.csv``, ``fold{k}_classes.csv``) before any training,
and every later step (training, ``tools/reid/inference_cv.py``) reads it back.
Fold k's config (fold index, metadata folder, ``head.num_classes`` = the
fold's known identities) is written to ``DIR/fold<k>/config.py`` and trained
with ``python -m mmsport.cli.train`` (under torch's distributed launcher with
``--gpus N > 1``). A fold that
already has a checkpoint is not trained again, so an interrupted run resumes.

``--fold-dir`` reuses the metadata of an earlier run and ``--load-from-cv``
starts each fold from that run's fold checkpoint: the multi-view fine-tuning
stage uses both, so each fold keeps its unknown identities.

The command line is :mod:`mmsport.cli.reid_train_cv`; in Python, :func:`train_folds`.
"""
import copy
import os
import os.path as osp
import sys

from mmengine.config import Config

from ..launch import run_command, train_command


def fold_config(cfg: Config, fold: int, fold_dir: str, num_classes: int, work_dir: str,
                load_from=None) -> Config:
    """The config that trains fold ``fold``."""
    c = copy.deepcopy(cfg)
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        if c.get(name):
            c[name].dataset.update(fold=fold, fold_dir=fold_dir)
    c.model.head.num_classes = num_classes
    c.work_dir = work_dir
    if load_from:
        c.load_from = load_from
    return c


def _last_checkpoint(work_dir: str):
    path = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(path):
        return None
    with open(path) as f:
        return f.read().strip() or None


def train_folds(config: str, *, work_dir: str = None, folds=None, gpus: int = 1,
                fold_dir: str = None, load_from_cv: str = None,
                cfg_options: dict = None) -> int:
    """Write the fold metadata once, then train every fold (module docstring); returns the
    exit status (0, 2 for bad fold metadata or a missing ``load_from_cv`` checkpoint, else
    the failed training's).

    Args:
        config: the config file.
        work_dir: default ``work_dirs/<config name>``.
        folds: fold indices to train; None: all.
        gpus: processes per fold (``tools/dist_train.sh`` when > 1).
        fold_dir: existing fold metadata to reuse (default ``<work_dir>/fold_metadata``).
        load_from_cv: a CV work dir: fold k starts from its fold k checkpoint.
        cfg_options: ``{key: value}`` merged into the config first.
    """
    from mmsport.datasets.reid_folds import ReIDFoldError, ensure_fold
    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    work = osp.abspath(work_dir or osp.join(
        'work_dirs', osp.splitext(osp.basename(config))[0]))
    ds = cfg.train_dataloader.dataset
    fold_dir = osp.abspath(fold_dir or osp.join(work, 'fold_metadata'))
    k_total = ds.get('num_folds', 5)
    folds = folds if folds is not None else list(range(k_total))
    samples_csv = osp.join(ds.data_root, ds.get('samples_file', 'train_crops.csv'))
    try:
        metas = {k: ensure_fold(fold_dir, k, samples_csv, num_folds=k_total,
                                unknowns_per_fold=ds.get('unknowns_per_fold', 2),
                                val_ratio=ds.get('val_ratio', 0.2), seed=ds.get('fold_seed', 0))
                 for k in folds}
    except (ReIDFoldError, OSError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    print(f'fold metadata: {fold_dir}', flush=True)
    for k in folds:
        fdir = osp.join(work, f'fold{k}')
        load_from = None
        if load_from_cv:
            load_from = _last_checkpoint(osp.join(load_from_cv, f'fold{k}'))
            if load_from is None:
                print(f'error: no checkpoint for fold {k} in {load_from_cv}',
                      file=sys.stderr)
                return 2
        os.makedirs(fdir, exist_ok=True)
        cfg_path = osp.join(fdir, 'config.py')
        meta = metas[k]
        fold_config(cfg, k, fold_dir, len(meta['classes']), fdir, load_from).dump(cfg_path)
        print(f'== fold {k} ({folds.index(k) + 1}/{len(folds)}): {len(meta["classes"])} known '
              f'identities, {len(meta["train"])} train / {len(meta["val"])} val samples, '
              f'unknown: {meta["unknown_labels"]}', flush=True)
        if _last_checkpoint(fdir):
            print(f'fold {k}: checkpoint exists, not trained again', flush=True)
            continue
        rc = run_command(train_command(cfg_path, fdir, gpus=gpus))
        if rc:
            print(f'error: fold {k} training failed (exit {rc})', file=sys.stderr)
            return rc
    print(f'trained folds {folds} in {work}')
    return 0

