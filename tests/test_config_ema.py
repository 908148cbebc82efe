"""EMA settings of the configs: an EMA that averages BatchNorm buffers must forget BN's init.

mmengine's ``EMAHook(update_buffers=True)`` averages every buffer, BN ``running_var``
included, starting from a copy of the initial model (running_var = 1). After n updates
with momentum m the initial value still weighs ``(1 - m) ** n``, a floor under every averaged
variance. Depthwise-conv BN layers of a trained EfficientNet end at running_var ~1e-5..1e-3,
so a floor of 0.99 ** 600 = 2.4e-3 (the ball-action CPU default before issue #16) divided
those channels by up to ~30x and flattened the EMA model's scores. A config may average
buffers only when that weight is negligible; otherwise it keeps ``update_buffers=False``
(EMA of the parameters, BN buffers of the trained model).
"""
import glob
import math
import os

import pytest
from mmengine.config import Config

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIGS = sorted(p for p in glob.glob(os.path.join(REPO, 'configs', '**', '*.py'),
                                      recursive=True) if '_base_' not in p)
# weight of the initial buffers left in the average; BN variances go down to ~1e-6
MAX_INIT_WEIGHT = 1e-6
DEFAULT_CONFIG = os.path.join(
    REPO, 'configs', 'ball_action', 'slowfusion_effv2b0_adamw-6e_soccer-synthetic-160x96.py')


def train_iters(cfg) -> int:
    """Training iterations of a config, or 0 where they depend on the data."""
    loop = cfg.get('train_cfg') or {}
    if 'max_iters' in loop:
        return int(loop['max_iters'])
    loader = cfg.get('train_dataloader') or {}
    per_epoch = (loader.get('dataset') or {}).get('samples_per_epoch')
    if not per_epoch or 'max_epochs' not in loop:
        return 0
    return int(loop['max_epochs']) * math.ceil(per_epoch / int(loader.get('batch_size', 1)))


def init_weight_left(momentum: float, iters: int) -> float:
    """Weight of the initial model in an EMA of ``momentum`` after ``iters`` updates."""
    return (1.0 - momentum) ** iters


def test_init_weight_left():
    assert init_weight_left(0.01, 600) == pytest.approx(2.41e-3, rel=1e-2)
    assert init_weight_left(0.001, 36 * 1500) < 1e-20
    assert init_weight_left(0.5, 0) == 1.0


def test_train_iters():
    cfg = Config(dict(train_cfg=dict(max_epochs=6),
                      train_dataloader=dict(batch_size=4, dataset=dict(samples_per_epoch=400))))
    assert train_iters(cfg) == 600
    assert train_iters(Config(dict(train_cfg=dict(max_iters=800)))) == 800
    assert train_iters(Config(dict(train_cfg=dict(max_epochs=6)))) == 0


@pytest.mark.parametrize('path', CONFIGS, ids=[os.path.relpath(p, REPO) for p in CONFIGS])
def test_ema_forgets_initial_bn_buffers(path):
    cfg = Config.fromfile(path)
    for hook in cfg.get('custom_hooks') or []:
        if hook.get('type') != 'EMAHook' or not hook.get('update_buffers', False):
            continue
        iters = train_iters(cfg)
        if not iters:  # epochs over the whole dataset: length unknown here
            continue
        left = init_weight_left(float(hook.get('momentum', 0.0002)), iters)
        assert left < MAX_INIT_WEIGHT, (
            f'EMAHook averages BN buffers but keeps {left:.1e} of the initial ones after '
            f'{iters} iterations (momentum {hook.get("momentum")}): set update_buffers=False '
            'or train longer')


def test_ball_action_default_ema_keeps_trained_bn_buffers():
    """The CPU default (600 iterations): EMA of the parameters, BN buffers not averaged."""
    cfg = Config.fromfile(DEFAULT_CONFIG)
    ema = [h for h in cfg.custom_hooks if h['type'] == 'EMAHook']
    assert len(ema) == 1 and ema[0]['update_buffers'] is False
    assert train_iters(cfg) == 600
