"""The recognition flow end to end on tiny data, as train.sh / inference.sh run it:
tools/train.py for a TSM classifier and the Faster R-CNN detector, tools/test.py --dump,
tools/recognition/ensemble.py with detector fusion, tools/inference.py on a raw video."""
import csv
import json
import os
import subprocess
import sys

import pytest
from mmengine.config import Config

from mmsport.testing import reroot

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLS_CFG = ('configs/recognition/'
           'tsm_r18_heavyaug-oversample_8xb8-1x1x8-60e_actionrec-synthetic-64x64.py')
DET_CFG = 'configs/detection/faster-rcnn_r18_fpn_2e_actionrec-synthetic-320x240.py'
FUSION_CFG = 'configs/recognition/fusion_ball-evidence_actionrec-synthetic.py'
pytestmark = pytest.mark.slow


def _run(*args):
    env = dict(os.environ, PYTHONPATH=REPO, OMP_NUM_THREADS='1')
    r = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=REPO,
                       env=env, timeout=900)
    return r, r.stdout + r.stderr


def _tiny_cfg(path, root, out, model_test_cfg=None, **train_cfg):
    cfg = Config.fromfile(os.path.join(REPO, path))
    if model_test_cfg:
        cfg.merge_from_dict(dict(model=dict(test_cfg=model_test_cfg)))
    cfg = Config(reroot(cfg.to_dict(), 'data/recognition', root))
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[name].update(num_workers=0, persistent_workers=False)
    cfg.train_dataloader.batch_size = 4
    cfg.train_cfg.update(train_cfg)
    cfg.param_scheduler = []
    cfg.default_hooks.checkpoint.update(interval=1, save_best=None)
    cfg.dump(out)
    return out


@pytest.fixture(scope='module')
def trained(tiny_recognition_root, tmp_path_factory):
    d = tmp_path_factory.mktemp('rec_e2e')
    root = tiny_recognition_root
    cls_cfg = _tiny_cfg(CLS_CFG, root, str(d / 'cls.py'), max_epochs=1, val_begin=1,
                        val_interval=1)
    # score_thr 0: a 1-epoch detector may score every box under the default 0.05, and
    # CocoMetric reports nothing for an empty result (seen once in a full-suite run)
    det_cfg = _tiny_cfg(DET_CFG, root, str(d / 'det.py'), max_epochs=1, val_interval=1,
                        model_test_cfg=dict(rcnn=dict(score_thr=0.0)))
    works = {}
    for name, cfg in (('cls', cls_cfg), ('det', det_cfg)):
        work = str(d / name)
        r, log = _run('tools/train.py', cfg, '--work-dir', work)
        assert r.returncode == 0, log[-3000:]
        with open(os.path.join(work, 'last_checkpoint')) as f:
            works[name] = (cfg, f.read().strip(), log)
    return root, d, works


def test_train_logs_the_upstream_metrics(trained):
    _, _, works = trained
    assert 'acc/top1' in works['cls'][2] and 'acc/mean1' in works['cls'][2]
    assert 'coco/bbox_mAP' in works['det'][2]


def test_dump_ensemble_fusion_and_single_video(trained):
    root, d, works = trained
    dumps = {}
    for name in ('cls', 'det'):
        cfg, ckpt, _ = works[name]
        dumps[name] = str(d / f'{name}.pkl')
        r, log = _run('tools/test.py', cfg, ckpt, '--dump', dumps[name], '--work-dir',
                      str(d / f'{name}_test'))
        assert r.returncode == 0 and os.path.isfile(dumps[name]), log[-3000:]
    out = str(d / 'results' / 'final.csv')
    r, log = _run('tools/recognition/ensemble.py', '--results', dumps['cls'], dumps['cls'],
                  '--weights', '0.7', '0.3', '--test-list',
                  os.path.join(root, 'lists', 'test_list_rawframes.txt'),
                  '--classes', os.path.join(root, 'classes.txt'),
                  '--sample-submission', os.path.join(root, 'sample_submission.csv'),
                  '--det-results', dumps['det'], '--det-ann',
                  os.path.join(root, 'lists', 'test_detect.json'),
                  '--categories', 'ball', 'person', '--fusion-config', FUSION_CFG,
                  '--labels', os.path.join(root, 'test_labels.csv'), '--out', out)
    assert r.returncode == 0, log[-3000:]
    report = json.loads(log.strip().splitlines()[-1])
    assert set(report) == {'model1', 'model2', 'ensemble', 'ensemble+detector'}
    assert all(0 <= v['top1'] <= 1 for v in report.values())
    with open(out) as f:
        rows = list(csv.DictReader(f))
    with open(os.path.join(root, 'sample_submission.csv')) as f:
        order = [r['video'] for r in csv.DictReader(f)]
    with open(os.path.join(root, 'classes.txt')) as f:
        classes = {ln.strip() for ln in f if ln.strip()}
    assert [r['video'] for r in rows] == order and {r['label'] for r in rows} <= classes

    # tools/inference.py dispatches a recognizer config to single-video classification
    video = os.path.join(root, 'videos', 'test', order[0] + '.mp4')
    bad = str(d / 'broken.mp4')
    with open(bad, 'wb') as f:
        f.write(b'not a video')
    cfg, ckpt, _ = works['cls']
    det_cfg, det_ckpt, _ = works['det']
    r, log = _run('tools/inference.py', cfg, ckpt, video, bad, '--out-dir', str(d / 'single'),
                  '--classes', os.path.join(root, 'classes.txt'), '--det-config', det_cfg,
                  '--det-checkpoint', det_ckpt, '--fusion-config', FUSION_CFG)
    assert r.returncode == 1 and f'FAILED {bad}' in log, log[-3000:]
    with open(os.path.join(d, 'single', order[0] + '.json')) as f:
        res = json.load(f)
    assert res['label'] in classes and set(res['evidence']) == {'ball', 'person'}
    assert abs(sum(res['scores'].values()) - 1) < 1e-3
