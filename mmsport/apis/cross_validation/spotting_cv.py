"""Game-level K-fold cross-validation: train every fold, save out-of-fold predictions.

    python tools/ball_action/train_cv.py CONFIG --folds 7 [--work-dir DIR] [--gpus N] [--flip-tta]
        [--cfg-options k=v ...]

The games are the config's ``train_dataloader.dataset.games`` plus
``val_dataloader.dataset.games`` when those are set, else every game folder
under the training ``data_root`` holding the label file. Fold k holds out
games k, k+K, k+2K, ... of the sorted list. For each fold a config with
train games = the others and val games = the held-out ones is written to
``DIR/fold<k>/config.py`` and trained (``python -m mmsport.cli.train``, under torch's
distributed launcher with ``--gpus N > 1``); the ball-action inference command then
scores the held-out
games into ``DIR/oof/<game>/<half>_raw_scores.npz``, the folder the transfer
stage's ``train_dataloader.dataset.oof_dir`` reads. Finally the out-of-fold
predictions of all games are turned into a submission (``DIR/oof_submission``)
and scored: the CV mAP. A fold that already has a checkpoint is not trained
again, and OOF files that exist are kept, so an interrupted run resumes.

The command line is :mod:`mmsport.cli.ball_action_train_cv`; in Python, :func:`run_cv`.
"""
import copy
import os
import os.path as osp
import sys

from mmengine.config import Config

from mmsport.fileio.soccernet import BALL_CLASSES_2023
from ..launch import cli_command, run_command, train_command


def cv_games(cfg: Config):
    """Sorted game paths the folds are made of."""
    from mmsport.fileio.soccernet import list_games
    train_ds, val_ds = cfg.train_dataloader.dataset, cfg.val_dataloader.dataset
    if train_ds.get('games'):
        games = list(train_ds.games) + list(val_ds.get('games') or [])
    else:
        games = list_games(train_ds.data_root, train_ds.get('label_file', 'Labels-ball.json'))
    return sorted(dict.fromkeys(games))


def fold_config(cfg: Config, train_games, held_out, work_dir: str) -> Config:
    c = copy.deepcopy(cfg)
    c.train_dataloader.dataset.games = list(train_games)
    c.val_dataloader.dataset.games = list(held_out)
    c.test_dataloader = c.val_dataloader
    c.work_dir = work_dir
    return c


def run_cv(config: str, *, folds: int, work_dir: str = None, gpus: int = 1,
           flip_tta: bool = False, cfg_options: dict = None) -> int:
    """Train every fold, score its held-out games and the whole out-of-fold submission
    (module docstring); returns the exit status (0, 2 for a bad ``folds``, else the
    failed step's).

    Args:
        config: the config file.
        folds: K, in 2..number of games.
        work_dir: default ``work_dirs/<config name>_cv``.
        gpus: processes per fold (torch's distributed launcher when > 1).
        flip_tta: flip TTA for the out-of-fold predictions.
        cfg_options: ``{key: value}`` merged into the config first.
    """
    import mmsport  # noqa: F401
    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    work = work_dir or osp.join(
        'work_dirs', osp.splitext(osp.basename(config))[0] + '_cv')
    games = cv_games(cfg)
    k = folds
    if not 2 <= k <= len(games):
        print(f'error: --folds {k} needs 2..{len(games)} games; found {len(games)}',
              file=sys.stderr)
        return 2
    data_root = cfg.train_dataloader.dataset.data_root
    oof = osp.join(work, 'oof')
    for fold in range(k):
        held = games[fold::k]
        train = [g for g in games if g not in held]
        fdir = osp.abspath(osp.join(work, f'fold{fold}'))
        os.makedirs(fdir, exist_ok=True)
        cfg_path = osp.join(fdir, 'config.py')
        fold_config(cfg, train, held, fdir).dump(cfg_path)
        print(f'== fold {fold + 1}/{k}: {len(train)} train games, held out: {held}', flush=True)
        if not osp.exists(osp.join(fdir, 'last_checkpoint')):
            rc = run_command(train_command(cfg_path, fdir, gpus=gpus))
            if rc:
                print(f'error: fold {fold} training failed (exit {rc})', file=sys.stderr)
                return rc
        with open(osp.join(fdir, 'last_checkpoint')) as f:
            ckpt = f.read().strip()
        cmd = cli_command('ball_action_spotting_inference', cfg_path, ckpt, data_root, '--games', *held,
                          '--out-dir', oof, '--skip-existing')
        rc = run_command(cmd + (['--flip-tta'] if flip_tta else []))
        if rc:
            print(f'error: out-of-fold inference of fold {fold} failed', file=sys.stderr)
            return rc
    sub = osp.join(work, 'oof_submission')
    ev = cfg.val_evaluator
    rc = run_command(cli_command('ball_action_submission', oof, '--out-dir', sub,
                                 '--config', config))
    if rc == 0:
        rc = run_command(cli_command(
            'evaluate_spotting', data_root, sub, '--label-file',
            ev.get('label_file', 'Labels-ball.json'), '--framerate', ev.get('fps', 25),
            '--metric', 'at1', '--classes', *ev.get('classes', BALL_CLASSES_2023)))
    print(f'out-of-fold predictions: {oof}; CV submission: {sub}')
    return rc
