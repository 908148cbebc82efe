"""Real-detection config end to end on tiny YOLO-layout data, as a user runs it:
tools/train.py (ATSS + MobileNetV2 from the offline ImageNet weights, CocoMetric on valid/
with no annotation file), then tools/inference.py CONFIG CKPT IMAGE --out-dir D --vis."""
import glob
import json
import os
import subprocess
import sys

import pytest
from mmengine.config import Config

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CFG = 'configs/detection/atss_mobilenetv2-imagenet_fpn_adamw-14e_soccer-boxes-1280x720.py'
pytestmark = pytest.mark.slow


def _run(*args):
    env = dict(os.environ, PYTHONPATH=REPO, OMP_NUM_THREADS='1')
    r = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=REPO,
                       env=env, timeout=900)
    return r, r.stdout + r.stderr


def _tiny_cfg(root, out):
    """The real config on tiny frames: 128x96 images, 64x64 crops, one epoch."""
    cfg = Config.fromfile(os.path.join(REPO, CFG))
    for t in cfg.train_dataloader.dataset.pipeline:
        if t['type'] == 'RandomResize':
            t['scale'] = (128, 96)
        if t['type'] == 'RandomCrop':
            t['crop_size'] = (64, 64)
    for t in cfg.val_dataloader.dataset.pipeline:
        if t['type'] == 'Resize':
            t['scale'] = (128, 96)
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[name].update(num_workers=0, persistent_workers=False)
        cfg[name].dataset.data_root = root
    cfg.train_dataloader.batch_size = 2
    cfg.train_cfg.update(max_epochs=1, val_interval=1)
    cfg.param_scheduler = []
    cfg.default_hooks.checkpoint.update(interval=1)
    path = os.path.join(out, 'atss_tiny.py')
    cfg.dump(path)
    return path


@pytest.fixture(scope='module')
def trained(tiny_yolo_boxes, tmp_path_factory):
    out = str(tmp_path_factory.mktemp('det_e2e'))
    cfg = _tiny_cfg(tiny_yolo_boxes, out)
    work = os.path.join(out, 'work')
    r, log = _run('tools/train.py', cfg, '--work-dir', work)
    assert r.returncode == 0, log[-3000:]
    return cfg, os.path.join(work, 'epoch_1.pth'), log


def test_training_validates_with_coco_metric_per_class(trained):
    _, ckpt, log = trained
    assert os.path.isfile(ckpt)
    assert 'coco/bbox_mAP_50' in log
    assert 'football' in log and 'referee' in log  # the classwise table names the classes


def test_inference_writes_detinferencer_keys_and_overlays(trained, tiny_yolo_boxes, tmp_path):
    cfg, ckpt, _ = trained
    images = sorted(glob.glob(os.path.join(tiny_yolo_boxes, 'valid', 'images', '*.jpg')))[:2]
    import shutil

    from mmsport.testing.bad_inputs import truncate
    cut = str(tmp_path / 'cut.jpg')
    shutil.copy(images[0], cut)
    truncate(cut)
    out = str(tmp_path / 'boxes')
    r, log = _run('tools/inference.py', cfg, ckpt, *images, str(tmp_path / 'missing.jpg'),
                  cut, '--out-dir', out, '--vis')
    assert r.returncode == 1, log  # the missing and the cut image fail, the others are written
    assert 'missing.jpg: no such image file' in log
    assert 'cut.jpg: truncated' in log and not os.path.exists(os.path.join(out, 'cut.json'))
    for img in images:
        stem = os.path.splitext(os.path.basename(img))[0]
        with open(os.path.join(out, stem + '.json')) as f:
            pred = json.load(f)
        assert pred['classes'] == ['football', 'goalkeeper', 'player', 'referee']
        n = len(pred['labels'])
        assert len(pred['scores']) == n and len(pred['bboxes']) == n
        for x1, y1, x2, y2 in pred['bboxes']:  # pixels of the 128x96 input image
            assert 0 <= x1 <= x2 <= 128 and 0 <= y1 <= y2 <= 96
        assert os.path.getsize(os.path.join(out, 'vis', stem + '.jpg')) > 0
    assert not glob.glob(os.path.join(out, '**', '*.tmp'), recursive=True)


def test_real_detector_config_serves_as_the_fusion_detector(trained, tiny_class_folders):
    """The recognition system's detector evidence can come from the real detection config:
    one score per detector class (named by the trained checkpoint's classes) per video."""
    from mmsport.apis import RecognitionInferencer
    cfg, ckpt, _ = trained
    video = sorted(glob.glob(os.path.join(tiny_class_folders, 'passing', '*.mp4')))[0]
    rec_cfg = os.path.join(REPO, 'configs/recognition/'
                           'tsm_mobilenetv2-imagenet_adamw-15e_basketball-actions-224x224.py')
    rec = RecognitionInferencer(rec_cfg, None, 'cpu', det_config=cfg, det_checkpoint=ckpt,
                                det_every=2, show_progress=False)
    assert rec.categories == ['football', 'goalkeeper', 'player', 'referee']
    res = rec([video])['predictions'][0]
    assert res['error'] is None, res['error']
    assert res['evidence'].shape == (4,)
    assert ((0 <= res['evidence']) & (res['evidence'] <= 1)).all()
    assert res['label'] in rec.classes
