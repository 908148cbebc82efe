"""tools/ball_action/train_cv.py: every fold trains, out-of-fold scores land where oof_dir reads them."""
import json
import os
import subprocess
import sys

import pytest

from mmsport.datasets.soccernet_ball_dataset import load_oof_scores
from mmsport.fileio.soccernet import list_games
from mmsport.testing import make_tiny_soccer_data

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CFG = 'configs/ball_action/slowfusion_effv2b0_adamw-6e_soccer-synthetic-160x96.py'
pytestmark = pytest.mark.slow


def test_two_fold_cv_writes_oof_and_scores_it(tmp_path):
    root = make_tiny_soccer_data(str(tmp_path / 'data'), games=2, seconds=3, width=96,
                                 height=64)
    work = str(tmp_path / 'cv')
    opts = [f'train_dataloader.dataset.data_root={root}', 'train_dataloader.dataset.games=None',
            f'val_dataloader.dataset.data_root={root}', 'val_dataloader.dataset.games=None',
            f'val_evaluator.data_root={root}', 'train_dataloader.dataset.input_size=(64,32)',
            'val_dataloader.dataset.input_size=(64,32)', 'train_dataloader.batch_size=2',
            'train_dataloader.dataset.samples_per_epoch=2', 'train_dataloader.num_workers=0',
            'train_dataloader.persistent_workers=False', 'val_dataloader.num_workers=0',
            'val_dataloader.persistent_workers=False', 'train_cfg.max_epochs=1',
            'train_cfg.val_interval=1', 'param_scheduler=[]', 'custom_hooks=[]']
    r = subprocess.run([sys.executable, 'tools/ball_action/train_cv.py', CFG, '--folds', '2', '--work-dir',
                        work, '--cfg-options', *opts], cwd=REPO, capture_output=True, text=True,
                       env=dict(os.environ, PYTHONPATH=REPO, OMP_NUM_THREADS='1'), timeout=900)
    log = r.stdout + r.stderr
    assert r.returncode == 0, log[-4000:]
    games = list_games(root)
    for fold, game in enumerate(games):
        cfg_text = open(os.path.join(work, f'fold{fold}', 'config.py')).read()
        assert game in cfg_text  # held out in its own fold
        for half in (1, 2):  # the transfer stage can read every game's OOF scores
            scores = load_oof_scores(os.path.join(work, 'oof'), game, half, 75)
            assert scores.shape == (75,)
    sub = os.path.join(work, 'oof_submission', games[0], 'results_spotting.json')
    assert 'predictions' in json.load(open(sub))
    cv = json.loads(next(ln for ln in log.splitlines() if ln.startswith('{"a_mAP"')))
    assert 0.0 <= cv['a_mAP'] <= 1.0 and len(cv['a_mAP_per_class']) == 2
