"""Tiny tennis data and configs for tests and smoke runs."""
import os
import os.path as osp

from mmengine.config import Config

from mmsport.testing.synthetic import tennis as tennis_synthetic

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEFAULT_TENNIS_CFG = osp.join(REPO_ROOT, 'configs', 'ball_tracking',
                              'ballunet_s3_adam-800it_tennis-synthetic-320x180.py')


def make_tiny_tennis_data(root: str, frames: int = 16, width: int = 320, height: int = 180,
                          train_games: int = 1, test_games: int = 1, clips: int = 1,
                          seed: int = 0, fps: float = 25.0) -> str:
    """Write a tiny synthetic set (real layout) under ``root``; returns ``root``."""
    tennis_synthetic.generate(root, train_games=train_games, test_games=test_games,
                              clips_per_game=clips, frames_per_clip=frames, width=width,
                              height=height, fps=fps, seed=seed)
    return root


def tiny_tennis_cfg(data_root: str, work_dir: str, max_iters: int = 4,
                    input_size=(80, 48)) -> Config:
    """The default tennis config shrunk to seconds on a CPU (tiny net, tiny input)."""
    cfg = Config.fromfile(DEFAULT_TENNIS_CFG)
    cfg.work_dir = work_dir
    cfg.model.backbone.channels = (4, 8, 16)
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        dl = cfg[name]
        dl.batch_size = 2
        dl.num_workers = 0
        dl.persistent_workers = False
        dl.dataset.input_size = tuple(input_size)
    cfg.train_dataloader.dataset.data_root = os.path.join(data_root, 'train')
    cfg.val_dataloader.dataset.data_root = os.path.join(data_root, 'test')
    cfg.test_dataloader.dataset.data_root = os.path.join(data_root, 'test')
    cfg.train_cfg.max_iters = max_iters
    cfg.train_cfg.val_interval = max_iters
    cfg.param_scheduler = [dict(type='ConstantLR', factor=1.0, by_epoch=False)]
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=max_iters // 2,
                                        by_epoch=False)
    cfg.default_hooks.logger.interval = 1
    return cfg
