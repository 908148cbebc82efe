"""tools/train.py and tools/test.py stop on config key typos before building the runner."""
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BASE = os.path.join(REPO, 'configs', 'ball_tracking',
                    'ballunet_s3_adam-800it_tennis-synthetic-320x180.py')


def _run(*args):
    env = dict(os.environ, PYTHONPATH=REPO, OMP_NUM_THREADS='1')
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=REPO,
                          env=env, timeout=300)


def test_train_reports_typos_before_training(tmp_path):
    cfg = tmp_path / 'cfg.py'
    cfg.write_text(f'_base_ = [{BASE!r}]\noptim_wraper = dict(clip_grad=None)\n'
                   'default_hooks = dict(checkpoint=dict(intervel=5))\n')
    work = tmp_path / 'work'
    r = _run('tools/train.py', str(cfg), '--work-dir', str(work),
             '--cfg-options', 'train_cfg.max_iter=3')
    assert r.returncode == 1, r.stderr[-3000:]
    for text in ("optim_wraper: not read by the Runner nor used in the config files; "
                 "did you mean 'optim_wrapper'?",
                 "default_hooks.checkpoint.intervel: CheckpointHook takes no argument "
                 "'intervel'; did you mean 'interval'?",
                 "train_cfg.max_iter: (--cfg-options) train_cfg has no key 'max_iter'; "
                 "did you mean 'max_iters'?", str(cfg)):
        assert text in r.stderr, r.stderr[-3000:]
    assert not work.exists()  # stopped before the runner made its work dir


def test_test_reports_cfg_options_typo(tmp_path):
    r = _run('tools/test.py', BASE, str(tmp_path / 'missing.pth'), '--work-dir',
             str(tmp_path / 'work'), '--cfg-options', 'test_dataloader.batch_sise=2')
    assert r.returncode == 1, r.stderr[-3000:]
    assert "test_dataloader.batch_sise: (--cfg-options) test_dataloader has no key " \
           "'batch_sise'; did you mean 'batch_size'?" in r.stderr
