import os

import pytest

import mmsport  # noqa: F401  (shims + registries before any test imports mmaction)


@pytest.fixture(scope='session')
def tiny_tennis_root(tmp_path_factory):
    """A tiny synthetic tennis set (real layout, 320x180, 16 frames/clip)."""
    from mmsport.testing import make_tiny_tennis_data
    root = str(tmp_path_factory.mktemp('tennis'))
    return make_tiny_tennis_data(root)


@pytest.fixture(scope='session')
def tiny_tracker_files(tiny_tennis_root, tmp_path_factory):
    """(config path, checkpoint) of an untrained tiny ball tracker on the tiny tennis set."""
    import numpy as np
    from mmengine.runner import save_checkpoint

    from mmsport.apis import init_tracker
    from mmsport.testing import tiny_tennis_cfg
    d = tmp_path_factory.mktemp('tracker')
    cfg_path = str(d / 'cfg.py')
    tiny_tennis_cfg(tiny_tennis_root, str(d)).dump(cfg_path)
    ckpt = str(d / 'model.pth')
    save_checkpoint(dict(state_dict=init_tracker(cfg_path).state_dict(),
                         meta=dict(seed=np.int64(0))), ckpt)
    return cfg_path, ckpt


@pytest.fixture(scope='session')
def tiny_soccer_root(tmp_path_factory):
    """A tiny synthetic SoccerNet ball-action set (1 game, 2 halves of 4 s, 160x96)."""
    from mmsport.testing import make_tiny_soccer_data
    return make_tiny_soccer_data(str(tmp_path_factory.mktemp('soccer')))


@pytest.fixture(scope='session')
def tiny_soccer_v2_root(tmp_path_factory):
    """A tiny synthetic SoccerNet-v2 set (1 game, 2 halves of 30 s, 96x64, 4 events a half)."""
    from mmsport.testing import make_tiny_soccer_data
    return make_tiny_soccer_data(str(tmp_path_factory.mktemp('soccer_v2')), seconds=30,
                                 width=96, height=64, v2_events=4)


@pytest.fixture(scope='session')
def tiny_reid_root(tmp_path_factory):
    """A tiny synthetic basketball ReID set (6 train identities + 2 unseen), prepared."""
    from mmsport.testing import make_tiny_reid_data
    return make_tiny_reid_data(str(tmp_path_factory.mktemp('reid')))


@pytest.fixture(scope='session')
def tiny_recognition_root(tmp_path_factory):
    """A tiny synthetic action-recognition set (20 train / 6 test videos of 64x48, 2 folds)."""
    from mmsport.testing import make_tiny_recognition_data
    return make_tiny_recognition_data(str(tmp_path_factory.mktemp('recognition')))


@pytest.fixture(scope='session')
def tiny_class_folders(tmp_path_factory):
    """Tiny action clips in the class-folder layout (<root>/<class>/*.mp4, 5 classes x 3)."""
    from mmsport.testing import make_tiny_class_folders
    return make_tiny_class_folders(str(tmp_path_factory.mktemp('class_folders') / 'videos'))


@pytest.fixture(scope='session')
def tiny_yolo_boxes(tmp_path_factory):
    """Tiny soccer frames in the YOLO box layout (data.yaml, train/ and valid/, 4 images each)."""
    from mmsport.testing.detection import make_tiny_yolo_boxes
    return make_tiny_yolo_boxes(str(tmp_path_factory.mktemp('yolo_boxes')))


@pytest.fixture(autouse=True)
def _mmsport_scope():
    from mmengine.registry import init_default_scope
    init_default_scope('mmsport')
    yield


def repo_root():
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
