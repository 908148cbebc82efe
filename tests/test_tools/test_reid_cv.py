"""End to end through the ReID tools on tiny data: train_cv (2 folds) -> inference_cv
(2 processes, fold ensemble, submission) -> tools/inference.py crop matching; bad inputs."""
import csv
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from mmengine.config import Config

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CPU_CFG = os.path.join(REPO, 'configs', 'reid',
                       'arcface-triplet_r18_adamw-12e_basketball-synthetic-128x64.py')
pytestmark = pytest.mark.slow


def _run(*args):
    env = dict(os.environ, PYTHONPATH=REPO, OMP_NUM_THREADS='1')
    r = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=REPO,
                       env=env, timeout=600)
    return r, r.stdout + r.stderr


@pytest.fixture(scope='module')
def cv_run(tiny_reid_root, tmp_path_factory):
    """Two folds, one short epoch each, on 64x32 crops."""
    d = tmp_path_factory.mktemp('reid_cv')
    cfg = Config.fromfile(CPU_CFG)
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[name].update(num_workers=0, persistent_workers=False)
        cfg[name].dataset.update(data_root=tiny_reid_root, num_folds=2)
        for t in cfg[name].dataset.pipeline:
            if t['type'] == 'mmpretrain.Resize':
                t['scale'] = (32, 64)
    cfg.test_pipeline = cfg.val_dataloader.dataset.pipeline
    cfg.train_dataloader.batch_size = 8
    cfg.train_cfg.update(max_epochs=1, val_interval=1)
    cfg.param_scheduler = []
    cfg.default_hooks.checkpoint.interval = 1
    path = str(d / 'tiny_reid.py')
    cfg.dump(path)
    work = str(d / 'work')
    r, log = _run('tools/reid/train_cv.py', path, '--work-dir', work)
    assert r.returncode == 0, log[-3000:]
    return work, tiny_reid_root, log


def test_train_cv_writes_fold_metadata_and_checkpoints(cv_run):
    work, _, log = cv_run
    assert 'reid/rank1' in log and 'reid/macro_f1' in log
    for k in (0, 1):
        fold_cfg = Config.fromfile(os.path.join(work, f'fold{k}', 'config.py'))
        assert fold_cfg.train_dataloader.dataset.fold == k
        with open(os.path.join(work, 'fold_metadata', f'fold{k}_classes.csv')) as f:
            n_classes = len(f.readlines()) - 1
        assert fold_cfg.model.head.num_classes == n_classes
        assert os.path.isfile(os.path.join(work, f'fold{k}', 'last_checkpoint'))
    # re-running does not train again
    r, log = _run('tools/reid/train_cv.py', os.path.join(work, 'fold0', 'config.py'),
                  '--work-dir', work)
    assert r.returncode == 0 and log.count('not trained again') == 2, log[-2000:]


def test_inference_cv_ensemble_and_crop_matching(cv_run, tmp_path):
    work, root, _ = cv_run
    r, log = _run('tools/reid/inference_cv.py', work, '--data-root', root, '--nproc', '2')
    assert r.returncode == 0, log[-3000:]
    summary = json.loads(log.strip().splitlines()[-1])
    assert summary['folds'] == [0, 1]
    with open(os.path.join(root, 'test_meta.csv')) as f:
        n_test = sum(1 for _ in f) - 1
    with open(summary['submission']) as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == n_test and all(int(r['label_id']) >= -1 for r in rows)
    assert 0.0 <= summary['ensemble_macro_f1'] <= 1.0
    for k in (0, 1):
        with np.load(os.path.join(work, f'fold{k}', 'test_scores.npz')) as z:
            assert z['sims'].shape == (n_test, len(z['labels']))

    # tools/inference.py dispatches a ReID config to crop matching against a gallery
    crops = os.path.join(root, 'crops')
    fold_dir = os.path.join(work, 'fold0')
    with open(os.path.join(fold_dir, 'last_checkpoint')) as f:
        ckpt = f.read().strip()
    out = str(tmp_path / 'match')
    r, log = _run('tools/inference.py', os.path.join(fold_dir, 'config.py'), ckpt, crops,
                  '--gallery', os.path.join(fold_dir, 'gallery.npz'), '--out-dir', out)
    assert r.returncode == 0, log[-3000:]
    with open(os.path.join(out, 'matches.csv')) as f:
        matches = list(csv.DictReader(f))
    assert len(matches) == n_test
    with np.load(os.path.join(fold_dir, 'gallery.npz')) as z:
        known = set(z['labels'].tolist()) | {-1}
    assert {int(m['label_id']) for m in matches} <= known

    # a test_meta pointing at a missing crop: clear error naming the row and path
    bad_root = str(tmp_path / 'bad')
    shutil.copytree(root, bad_root, ignore=shutil.ignore_patterns('images', '*cache*'))
    with open(os.path.join(bad_root, 'test_meta.csv')) as f:
        first = next(csv.DictReader(f))['rel_path']
    os.remove(os.path.join(bad_root, first))
    r, log = _run('tools/reid/inference_cv.py', work, '--data-root', bad_root)
    assert r.returncode == 2 and 'row 0: ' + first in log, log[-2000:]


def test_ensemble_rejects_scores_of_another_test_meta(cv_run, tmp_path):
    work, root, _ = cv_run
    from mmsport.apis.cross_validation import reid_inference_cv as inference_cv
    scores = os.path.join(work, 'fold1', 'test_scores.npz')
    if not os.path.isfile(scores):
        pytest.skip('needs the inference test to have run')
    saved = dict(np.load(scores))
    saved['rows_digest'] = np.str_('0' * 40)
    alt = str(tmp_path / 'alt')
    for k in (0, 1):
        os.makedirs(os.path.join(alt, f'fold{k}'))
        shutil.copy(os.path.join(work, f'fold{k}', 'test_scores.npz'),
                    os.path.join(alt, f'fold{k}', 'test_scores.npz'))
    np.savez(os.path.join(alt, 'fold1', 'test_scores.npz'), **saved)
    with pytest.raises(ValueError, match='fold1/test_scores.npz: scores were made for a '
                                         'different test_meta'):
        inference_cv.ensemble(alt, [0, 1])
