"""End to end through the tools: train, resume, load_from/test, and 2-process dist_train.sh."""
import glob
import os
import subprocess
import sys

import pytest

from mmsport.testing import tiny_tennis_cfg

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
pytestmark = pytest.mark.slow


def _run(cmd, **kw):
    env = dict(os.environ, PYTHONPATH=REPO, OMP_NUM_THREADS='1')
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, env=env, timeout=600,
                       **kw)
    return r, r.stdout + r.stderr


@pytest.fixture(scope='module')
def tiny_cfg_file(tiny_tennis_root, tmp_path_factory):
    d = tmp_path_factory.mktemp('train')
    cfg = tiny_tennis_cfg(tiny_tennis_root, str(d / 'work'), max_iters=4)
    path = str(d / 'tiny_tennis.py')
    cfg.dump(path)
    return path, str(d)


def test_train_resume_and_test(tiny_cfg_file):
    cfg, d = tiny_cfg_file
    work = os.path.join(d, 'work')
    r, log = _run([sys.executable, 'tools/train.py', cfg, '--work-dir', work])
    assert r.returncode == 0, log[-3000:]
    assert os.path.exists(os.path.join(work, 'iter_4.pth'))
    assert 'SiBaTrAcc' in log

    # --resume picks up iter_4 (optimizer, scheduler, message hub: the unsafe-looking
    # parts of an mmengine checkpoint) and continues to iter 6
    r, log = _run([sys.executable, 'tools/train.py', cfg, '--work-dir', work, '--resume',
                   '--cfg-options', 'train_cfg.max_iters=6', 'train_cfg.val_interval=6'])
    assert r.returncode == 0, log[-3000:]
    assert 'resumed epoch: 0, iter: 4' in log
    assert os.path.exists(os.path.join(work, 'iter_6.pth'))

    # load_from, through tools/test.py
    r, log = _run([sys.executable, 'tools/test.py', cfg, os.path.join(work, 'iter_6.pth'),
                   '--work-dir', os.path.join(d, 'test')])
    assert r.returncode == 0, log[-3000:]
    assert 'Load checkpoint from' in log and 'SiBaTrAcc' in log

    # load_from as a config field, in training
    r, log = _run([sys.executable, 'tools/train.py', cfg, '--work-dir',
                   os.path.join(d, 'finetune'), '--cfg-options',
                   f'load_from={os.path.join(work, "iter_6.pth")}', 'train_cfg.max_iters=2',
                   'train_cfg.val_interval=2'])
    assert r.returncode == 0, log[-3000:]
    assert 'Load checkpoint from' in log


def test_dist_train_two_cpu_processes(tiny_cfg_file):
    cfg, d = tiny_cfg_file
    work = os.path.join(d, 'dist')
    r, log = _run(['bash', 'tools/dist_train.sh', cfg, '2', '--work-dir', work],
                  )
    assert r.returncode == 0, log[-4000:]  # torchrun exits 0 only if every rank did
    assert 'Distributed training: True' in log
    assert "'backend': 'gloo'" in log or 'gloo' in log
    assert glob.glob(os.path.join(work, 'iter_4.pth'))


def test_train_seeds_and_determinism(tiny_cfg_file):
    """tools/train_seeds.py end to end; with randomness.deterministic=True (and the same
    thread count) one seed gives identical weights twice, another seed different ones."""
    import json

    import torch
    cfg, d = tiny_cfg_file
    root = os.path.join(d, 'seeds')
    r, log = _run([sys.executable, 'tools/train_seeds.py', cfg, '--seeds', '0', '1',
                   '--deterministic', '--metric', 'SiBaTrAcc', '--work-dir', root])
    assert r.returncode == 0, log[-3000:]
    assert 'SiBaTrAcc: mean' in log and 'over 2 run(s)' in log
    assert sorted(json.load(open(os.path.join(root, 'seeds.json')))['runs']) == ['0', '1']
    again = os.path.join(d, 'seed0_again')
    r, log = _run([sys.executable, 'tools/train.py', cfg, '--work-dir', again, '--cfg-options',
                   'randomness.seed=0', 'randomness.deterministic=True'])
    assert r.returncode == 0, log[-3000:]

    def weights(wd):
        return torch.load(os.path.join(wd, 'iter_4.pth'), map_location='cpu',
                          weights_only=False)['state_dict']
    w0, w0_again, w1 = (weights(os.path.join(root, 'seed0')), weights(again),
                        weights(os.path.join(root, 'seed1')))
    assert all(torch.equal(w0[k], w0_again[k]) for k in w0)
    assert not all(torch.equal(w0[k], w1[k]) for k in w0)
