"""tools/test.py and tools/inference.py refuse weights that do not fit the config's model
(another width or task, a truncated file), naming the file and the keys."""
import os
import subprocess
import sys

from mmengine.runner import save_checkpoint

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _run(args):
    return subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True,
                          timeout=300, env=dict(os.environ, PYTHONPATH=REPO,
                                                OMP_NUM_THREADS='1'))


def test_mismatched_and_truncated_checkpoints_are_errors(tiny_tennis_root, tiny_tracker_files,
                                                         tmp_path):
    from mmengine.config import Config

    from mmsport.apis import init_tracker
    cfg_path, ckpt = tiny_tracker_files
    wide_cfg = Config.fromfile(cfg_path)
    wide_cfg.model.backbone.channels = (8, 16, 32)
    wide = str(tmp_path / 'wide.pth')
    save_checkpoint(dict(state_dict=init_tracker(wide_cfg).state_dict()), wide)
    truncated = tmp_path / 'cut.pth'
    truncated.write_bytes(open(ckpt, 'rb').read()[:200])
    clip = os.path.join(tiny_tennis_root, 'test', 'game1', 'clip1')
    for bad, message in ((wide, 'wide.pth: does not match the model BallHeatmapTracker'),
                         (str(truncated), 'cut.pth: not a readable torch checkpoint')):
        r = _run(['tools/test.py', cfg_path, bad, '--work-dir', str(tmp_path / 'w')])
        assert r.returncode != 0 and message in r.stderr, r.stderr[-2000:]
        assert 'Traceback' not in r.stderr
        r = _run(['tools/inference.py', cfg_path, bad, clip, '--out-dir', str(tmp_path / 'o')])
        assert r.returncode == 2 and message in r.stderr, r.stderr[-2000:]
    assert 'shape-mismatched keys' in _run(['tools/test.py', cfg_path, wide]).stderr
    r = _run(['tools/test.py', cfg_path, ckpt, '--work-dir', str(tmp_path / 'ok')])
    assert r.returncode == 0, r.stderr[-2000:]


def test_inference_names_a_bad_config_or_out_dir_before_any_work(tiny_tennis_root,
                                                                  tiny_tracker_files, tmp_path):
    from mmengine.config import Config
    cfg_path, ckpt = tiny_tracker_files
    cfg = Config.fromfile(cfg_path)
    cfg.model.codec['vis_th'] = 0.3                      # a nested typo in a config file
    bad_cfg = str(tmp_path / 'typo.py')
    cfg.dump(bad_cfg)
    clip = os.path.join(tiny_tennis_root, 'test', 'game1', 'clip1')
    r = _run(['tools/inference.py', bad_cfg, ckpt, clip, '--out-dir', str(tmp_path / 'o')])
    assert r.returncode == 2 and 'typo.py: the model cannot be built' in r.stderr
    assert 'vis_th' in r.stderr and 'Traceback' not in r.stderr
    a_file = tmp_path / 'file'
    a_file.write_text('x')
    r = _run(['tools/inference.py', cfg_path, ckpt, clip, '--out-dir', str(a_file)])
    assert r.returncode == 2 and 'exists and is not a folder' in r.stderr
