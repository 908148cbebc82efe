"""The four COMEDIAN stages chained as train.sh chains them, on tiny data and a tiny ViT."""
import os

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from mmsport.testing import write_random_features

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CFG_DIR = os.path.join(REPO, 'configs', 'transformer_spotting')
BASE = 'vivit-tiny-l4_adamw-10e_soccer-v2-synthetic-96x64'
SSL = 'mocov3_vit-tiny-l4_adamw-20e_soccer-v2-synthetic-96x64_stage1-ssl.py'
TINY_ARCH = {'embed_dims': 32, 'num_layers': 2, 'num_heads': 2, 'feedforward_channels': 64}
pytestmark = pytest.mark.slow


def _tiny(name, root, work_dir, **options):
    """A stage config on the tiny v2 set: 32x32 frames, 8 s windows, 1 epoch of 2 batches."""
    cfg = Config.fromfile(os.path.join(CFG_DIR, name))
    cfg.work_dir = work_dir
    ds = cfg.train_dataloader.dataset
    ds.update(data_root=root, games=None, samples_per_epoch=4)
    cfg.train_dataloader.update(batch_size=2, num_workers=0, persistent_workers=False)
    if cfg.model.type == 'MoCoV3':
        cfg.model.backbone.update(arch=TINY_ARCH, img_size=32)
        cfg.model.neck.update(in_channels=32, hid_channels=64, out_channels=16)
        cfg.model.head.predictor.update(in_channels=16, hid_channels=64, out_channels=16)
        ds.input_size = (64, 64)  # decord cannot resize to some small widths (48 px)
        for view in cfg.train_pipeline[2].transforms:
            view[0].scale = 32
        ds.pipeline = cfg.train_pipeline
    else:
        cfg.model.spatial_encoder.update(arch=TINY_ARCH, img_size=32)
        cfg.model.update(temporal_depth=1, temporal_num_heads=2, num_timesteps=16)
        ds.update(window_seconds=8, input_size=(32, 32))
        if cfg.get('val_dataloader'):
            cfg.val_dataloader.dataset.update(data_root=root, games=None, window_seconds=8,
                                              stride_seconds=4, input_size=(32, 32))
            cfg.val_dataloader.update(num_workers=0, persistent_workers=False)
            cfg.val_evaluator.update(data_root=root, margin=2)
            cfg.test_dataloader, cfg.test_evaluator = cfg.val_dataloader, cfg.val_evaluator
    cfg.train_cfg.max_epochs = 1
    if 'val_interval' in cfg.train_cfg:
        cfg.train_cfg.val_interval = 1
    cfg.param_scheduler = []
    cfg.default_hooks.checkpoint.update(interval=1)
    cfg.merge_from_dict(options)
    return cfg


def _train(cfg):
    runner = Runner.from_cfg(cfg)
    runner.train()
    return runner, torch.load(os.path.join(cfg.work_dir, 'epoch_1.pth'), map_location='cpu',
                              weights_only=False)['state_dict']


def test_ssl_distill_frozen_full(tiny_soccer_v2_root, tmp_path):
    root = tiny_soccer_v2_root
    _, ssl = _train(_tiny(SSL, root, str(tmp_path / 'ssl')))
    ssl_ckpt = str(tmp_path / 'ssl' / 'epoch_1.pth')

    # stage 2 starts from the SSL backbone and regresses teacher features (no labels)
    feats = write_random_features(root, str(tmp_path), 16)
    cfg = _tiny(f'{BASE}_stage2-distill.py', root, str(tmp_path / 'distill'),
                **{'model.pretrained_spatial': ssl_ckpt, 'model.distill_dim': 16,
                   'train_dataloader.dataset.feature_dir': feats})
    runner = Runner.from_cfg(cfg)
    runner.model.init_weights()  # what the runner does first when training
    for k, v in runner.model.spatial_encoder.state_dict().items():
        torch.testing.assert_close(v, ssl[f'backbone.{k}'], msg=k)
    runner.train()
    distill = torch.load(os.path.join(cfg.work_dir, 'epoch_1.pth'), map_location='cpu',
                         weights_only=False)['state_dict']
    assert 'distill_head.weight' in distill

    # stage 3: only the classifier moves
    _, frozen = _train(_tiny(f'{BASE}_stage3-finetune-frozen.py', root,
                             str(tmp_path / 'frozen'),
                             load_from=os.path.join(cfg.work_dir, 'epoch_1.pth')))
    trunk = [k for k in frozen if not k.startswith('fc_cls.')]
    assert trunk and all(torch.equal(frozen[k], distill[k]) for k in trunk)

    # stage 4: everything moves, and the end-of-training evaluation reports both mAPs
    runner, full = _train(_tiny(f'{BASE}_stage4-finetune-full.py', root, str(tmp_path / 'full'),
                                load_from=str(tmp_path / 'frozen' / 'epoch_1.pth')))
    assert not torch.equal(full['temporal_pos_embed'], frozen['temporal_pos_embed'])
    metrics = runner.test()
    assert 0.0 <= metrics['tight_avg_mAP'] <= metrics['loose_avg_mAP'] <= 1.0
