"""mmsport.utils.config_check: every repo config passes; typos in top-level keys,
--cfg-options and component arguments are reported with the intended key."""
import glob
import os

import pytest
from mmengine.config import Config

from mmsport.utils import ConfigKeyError, check_config_keys
from mmsport.utils.config_args import accepted_arguments
from mmsport.utils.config_check import config_key_problems

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONFIGS = sorted(p for p in glob.glob(os.path.join(REPO, 'configs', '**', '*.py'),
                                      recursive=True) if '_base_' not in p)
BASE = os.path.join(REPO, 'configs', 'ball_tracking',
                    'ballunet_s3_adam-800it_tennis-synthetic-320x180.py')


@pytest.mark.parametrize('path', CONFIGS, ids=[os.path.relpath(p, REPO) for p in CONFIGS])
def test_every_config_passes(path, tmp_path):
    cfg = Config.fromfile(path)
    assert config_key_problems(cfg) == []
    dumped = str(tmp_path / 'dumped.py')  # as the cross-validation tools write fold configs
    cfg.dump(dumped)
    assert config_key_problems(Config.fromfile(dumped)) == []


def _cfg(tmp_path, body):
    path = tmp_path / 'cfg.py'
    path.write_text(f'_base_ = [{BASE!r}]\n{body}\n')
    return Config.fromfile(str(path))


def _error(cfg, options=None):
    with pytest.raises(ConfigKeyError) as e:
        check_config_keys(cfg, options)
    return str(e.value)


def test_misspelled_top_level_key(tmp_path):
    msg = _error(_cfg(tmp_path, "optim_wraper = dict(optimizer=dict(type='SGD', lr=0.1))"))
    assert "optim_wraper: not read by the Runner" in msg
    assert "did you mean 'optim_wrapper'?" in msg
    assert 'cfg.py' in msg and 'allowed_extra_keys' in msg


def test_helper_variables_pass_unless_unused_look_alikes(tmp_path):
    used = ('resum = False\n'  # like 'resume', but a variable the config uses
            'train_cfg = dict(val_begin=1 if resum else 2)\n'
            'evaluator = dict(type="BallTrackingMetric")\n'  # a part of 'val_evaluator'
            'my_notes = "anything"')  # unused, but not like any key: a harmless variable
    assert config_key_problems(_cfg(tmp_path, used)) == []
    msg = _error(_cfg(tmp_path, 'resum = True'))  # unused and like a key
    assert "resum: not read by the Runner nor used in the config files; did you mean " \
           "'resume'?" in msg
    msg = _error(_cfg(tmp_path, 'lr_config = dict(policy="step")'))
    assert 'lr_config: an MMCV 1.x key that mmengine ignores; use param_scheduler' in msg


def test_misspelled_cfg_options_key(tmp_path):
    cfg = Config.fromfile(BASE)
    msg = _error(cfg, {'optim_wrapper.optimizer.lrr': 0.1})
    assert "optim_wrapper.optimizer.lrr: (--cfg-options) optim_wrapper.optimizer has no " \
           "key 'lrr'; did you mean 'lr'?" in msg
    msg = _error(cfg, {'optim_wrapper.optimzer.lr': 0.1, 'trian_cfg.max_iters': 5})
    assert "has no key 'optimzer'; did you mean 'optimizer'?" in msg
    assert "no key 'trian_cfg'; did you mean 'train_cfg'?" in msg
    msg = _error(cfg, {'max_iters': 5})  # a helper variable: setting it changes nothing
    assert 'changes nothing; set train_cfg.max_iters' in msg
    # existing keys, new arguments unlike any sibling, and Runner keys pass
    assert config_key_problems(cfg, {'train_cfg.max_iters': 5, 'model.new_arg': 1,
                                     'default_hooks.checkpoint.interval': 3,
                                     'find_unused_parameters': True}) == []


def test_misspelled_component_arguments(tmp_path):
    msg = _error(_cfg(tmp_path, 'default_hooks = dict(checkpoint=dict(intervel=5))'))
    assert "default_hooks.checkpoint.intervel: CheckpointHook takes no argument " \
           "'intervel'; did you mean 'interval'?" in msg
    msg = _error(_cfg(tmp_path, 'default_hooks = dict(checkpont=dict(interval=3))'))
    assert "default_hooks.checkpont: not one of mmengine's default hooks" in msg
    assert "did you mean 'checkpoint'?" in msg
    body = ("optim_wrapper = dict(optimizer=dict(weight_decy=0.1))\n"
            "param_scheduler = [dict(type='LinearLR', start_factr=0.1), "
            "dict(type='CosineAnnealingLRR')]\n"
            "custom_hooks = [dict(type='EMAHook', momentum=0.01, priority='ABOVE_NORMAL')]")
    msg = _error(_cfg(tmp_path, body))
    assert "optim_wrapper.optimizer.weight_decy: Adam takes no argument" in msg
    assert "param_scheduler.0.start_factr: LinearLR takes no argument 'start_factr'; " \
           "did you mean 'start_factor'?" in msg
    assert "param_scheduler.1: type 'CosineAnnealingLRR' is not registered" in msg
    assert 'custom_hooks' not in msg  # EMAHook passes **kwargs to the EMA model: unchecked


def test_opt_outs(tmp_path, capsys):
    body = ("optim_wraper = dict(x=1)\ndefault_hooks = dict(checkpoint=dict(intervel=5))\n"
            "allowed_extra_keys = ['optim_wraper', 'default_hooks.checkpoint']")
    assert config_key_problems(_cfg(tmp_path, body)) == []
    cfg = _cfg(tmp_path, 'optim_wraper = dict(x=1)')
    check_config_keys(cfg, {'train_cfg.max_iter': 3}, allow_new_keys=True)  # warns only
    err = capsys.readouterr().err
    assert 'optim_wraper' in err and "did you mean 'max_iters'?" in err


def test_accepted_arguments_follows_forwarded_kwargs():
    class Base:
        def __init__(self, a, b=1):
            pass

    class Forwards(Base):
        def __init__(self, c=0, **kwargs):
            super().__init__(**kwargs)

    class Keeps(Base):
        def __init__(self, c=0, **kwargs):
            self.extra = kwargs.pop('d', None)
            super().__init__(**kwargs)

    assert accepted_arguments(Forwards) == {'a', 'b', 'c'}
    assert accepted_arguments(Keeps) is None
