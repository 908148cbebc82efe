"""Every config in configs/ parses and builds its model, datasets and evaluators."""
import glob
import os

import pytest
from mmengine.config import Config

from mmsport.registry import DATASETS, METRICS, MODELS
from mmsport.testing import reroot, write_random_features

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIGS = sorted(p for p in glob.glob(os.path.join(REPO, 'configs', '**', '*.py'),
                                      recursive=True) if '_base_' not in p)


def test_there_are_configs():
    assert CONFIGS


RECOGNITION_DATASETS = ('RawframeDataset', 'RawframeCatDataset', 'ClassBalancedDataset',
                        'CocoDataset')


@pytest.mark.parametrize('path', CONFIGS, ids=[os.path.relpath(p, REPO) for p in CONFIGS])
def test_config_builds(path, tiny_tennis_root, tiny_soccer_root, tiny_soccer_v2_root,
                       tiny_reid_root, tiny_recognition_root, tiny_class_folders,
                       tiny_yolo_boxes, tmp_path):
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'mmsport'
    if 'model' not in cfg:  # a post-processing config (e.g. detector fusion rules)
        assert MODELS.build(cfg.fusion) is not None
        return
    model = MODELS.build(cfg.model)
    assert sum(p.numel() for p in model.parameters()) > 0
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        if cfg.get(name) is None:  # e.g. a pretraining stage without validation
            continue
        ds_cfg = cfg[name].dataset.copy()
        if ds_cfg.type == 'TennisBallDataset':
            split = 'train' if name == 'train_dataloader' else 'test'
            ds_cfg.data_root = os.path.join(tiny_tennis_root, split)
        elif ds_cfg.type == 'BallTrackingDataset':  # real-data configs: tiny data, same layout
            from mmsport.testing.ball_layouts import write_ball_layout
            split = 'train' if name == 'train_dataloader' else 'test'
            layout = ds_cfg.get('layout', 'auto')
            root = write_ball_layout(os.path.join(tiny_tennis_root, split), str(tmp_path / name),
                                     'video_csv' if layout == 'auto' else layout)
            ds_cfg.update(data_root=root, clips=None)
        elif ds_cfg.type == 'SoccerNetBallDataset':
            v2 = ds_cfg.get('label_file', 'Labels-ball.json') != 'Labels-ball.json'
            ds_cfg.update(data_root=tiny_soccer_v2_root if v2 else tiny_soccer_root,
                          games=None, oof_dir=None)
        elif ds_cfg.type == 'SoccerNetV2ClipDataset':
            ds_cfg.update(data_root=tiny_soccer_v2_root, games=None,
                          window_seconds=min(ds_cfg.get('window_seconds', 64), 16))
            if ds_cfg.get('feature_dir'):
                ds_cfg.feature_dir = write_random_features(tiny_soccer_v2_root, str(tmp_path),
                                                           cfg.model.distill_dim)
        elif ds_cfg.type == 'YOLODetectionDataset':  # real boxes: tiny ones, same layout
            ds_cfg.data_root = tiny_yolo_boxes
        elif ds_cfg.type == 'ClassFolderVideoDataset':  # real clips: tiny ones, same layout
            ds_cfg.data_root = tiny_class_folders
        elif ds_cfg.type in RECOGNITION_DATASETS:
            ds_cfg = reroot(ds_cfg, 'data/recognition', tiny_recognition_root)
        elif ds_cfg.type == 'BasketballReIDDataset':
            ds_cfg.update(data_root=tiny_reid_root, fold_dir=str(tmp_path / 'folds'),
                          num_folds=2)
        ds = DATASETS.build(ds_cfg)
        assert len(ds) > 0
        item = ds[0]
        assert 'inputs' in item and 'data_samples' in item
    evaluator = cfg.val_evaluator
    if evaluator is None:
        return
    for e in (evaluator if isinstance(evaluator, list) else [evaluator]):
        METRICS.build(reroot(e, 'data/recognition', tiny_recognition_root))
    assert 'metrics' not in evaluator  # mmengine would read it as a custom Evaluator
