"""tools/dry_run.py: a config's own layout generated, 2 training iterations, one validation
pass and the task's inference, timed.

The slow test dry-runs every real-data config (every config whose name does not say
``synthetic``) on the CPU, each in its own forked process (its peak memory is its own),
sharing the generated sets. Set ``MMSPORT_DRY_RUN_LOG=FILE`` to append each run's summary
to FILE as a JSON line (the numbers of docs/dry_run.md).
"""
import glob
import json
import os

import pytest
from mmengine.config import Config

from mmsport.testing import dry_run_data
from mmsport.testing.dry_run_data import DryRunError

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONFIGS = sorted(p for p in glob.glob(os.path.join(REPO, 'configs', '*', '*.py'))
                 if '_base_' not in p)
REAL = [p for p in CONFIGS if 'synthetic' not in os.path.basename(p)
        and 'model' in Config.fromfile(p)]


def _rel(path):
    return os.path.relpath(path, REPO)


def test_the_real_configs_are_found():
    names = {_rel(p) for p in REAL}
    for pattern in ('ball_action/*soccernet*', 'transformer_spotting/*soccernet-v2-224x224*',
                    'reid/*atmacup22-224x224*', 'recognition/tsm_r50_*rawframes',
                    'detection/faster-rcnn_r50_fpn_1x_actionrec-frames',
                    'ball_tracking/*shuttlecock*', 'detection/atss_*soccer-boxes*',
                    'recognition/tsm_mobilenetv2-imagenet_adamw-15e_basketball-actions-224x224'):
        found = glob.glob(os.path.join(REPO, 'configs', pattern + '.py'))
        assert found and all(_rel(p) in names for p in found), pattern


@pytest.mark.parametrize('path', CONFIGS, ids=[_rel(p) for p in CONFIGS])
def test_every_config_with_a_model_has_a_layout(path):
    cfg = Config.fromfile(path)
    if 'model' not in cfg:  # the fusion rules config
        return
    assert dry_run_data.layout_of(cfg, path) in dry_run_data.MAKERS.keys()


def test_a_layout_without_generator_names_the_config():
    cfg = Config(dict(train_dataloader=dict(dataset=dict(
        type='ClassBalancedDataset', dataset=dict(type='FooDataset')))))
    with pytest.raises(DryRunError, match=r'my_cfg\.py.*FooDataset'):
        dry_run_data.layout_of(cfg, 'my_cfg.py')
    with pytest.raises(DryRunError, match='my_cfg.py: no train_dataloader'):
        dry_run_data.layout_of(Config(dict(model=dict(type='X'))), 'my_cfg.py')


def test_wrappers_are_looked_through():
    path = os.path.join(REPO, 'configs', 'recognition',
                        'tsm_r50_heavyaug-oversample_8xb8-1x1x8-50e_actionrec-rawframes.py')
    cfg = Config.fromfile(path)
    assert cfg.train_dataloader.dataset.type == 'ClassBalancedDataset'
    assert dry_run_data.layout_of(cfg) == 'recognition_rawframes'
    names = [n for n, _ in dry_run_data.datasets(cfg)]
    assert names == ['train_dataloader', 'val_dataloader', 'test_dataloader']


def test_epoch_schedule_becomes_one_epoch_of_a_few_batches():
    cfg = Config.fromfile(os.path.join(
        REPO, 'configs', 'ball_action',
        'slowfusion_effv2b0_adamw-36e_soccernet-ball-1280x736_stage1-basic.py'))
    frames, size = cfg.train_dataloader.dataset.num_frames, cfg.model.num_frames
    dry_run_data.shrink_schedule(cfg, iters=2, batch_size=3)
    assert cfg.train_cfg.type == 'FirstBatchesEpochBasedTrainLoop'
    assert (cfg.train_cfg.max_epochs, cfg.train_cfg.max_iters_per_epoch) == (1, 2)
    assert (cfg.train_cfg.val_begin, cfg.train_cfg.val_interval) == (1, 1)
    assert cfg.train_cfg._scope_ == 'mmsport'
    assert cfg.train_dataloader.batch_size == 3
    assert cfg.train_dataloader.dataset.samples_per_epoch == 6
    assert cfg.val_dataloader.batch_size == 3  # at most the training batch
    for name in ('train_dataloader', 'val_dataloader'):
        assert cfg[name].num_workers == 0 and not cfg[name].persistent_workers
    assert cfg.default_hooks.checkpoint.interval == 1
    assert cfg.default_hooks.checkpoint.save_best == 'mAP@1'  # kept
    # the item itself is unchanged
    assert (cfg.train_dataloader.dataset.num_frames, cfg.model.num_frames) == (frames, size)
    assert cfg.train_dataloader.dataset.input_size is None


def test_iteration_schedule_stops_at_the_iterations():
    cfg = Config.fromfile(os.path.join(REPO, 'configs', 'ball_tracking',
                                       'ballunet_s3_adam-1500it_shuttlecock-320x180.py'))
    size = cfg.train_dataloader.dataset.input_size
    dry_run_data.shrink_schedule(cfg, iters=2)
    assert cfg.train_cfg.type == 'IterBasedTrainLoop'
    assert (cfg.train_cfg.max_iters, cfg.train_cfg.val_interval) == (2, 2)
    assert cfg.default_hooks.checkpoint.interval == 2
    assert not cfg.default_hooks.checkpoint.by_epoch
    assert (cfg.train_dataloader.batch_size, cfg.val_dataloader.batch_size) == (1, 1)
    assert cfg.train_dataloader.dataset.input_size == size


def test_train_batch_size():
    reid = Config.fromfile(os.path.join(
        REPO, 'configs', 'reid', 'arcface-triplet_r18_adamw-12e_atmacup22-224x224_stage1-side.py'))
    assert dry_run_data.train_batch_size(reid) == 8  # two identities x K = 4
    assert dry_run_data.train_batch_size(reid, 12) == 12
    ssl = Config.fromfile(os.path.join(
        REPO, 'configs', 'transformer_spotting',
        'mocov3_vit-tiny_adamw-100e_soccernet-v2-224x224_stage1-ssl.py'))
    assert dry_run_data.train_batch_size(ssl) == 2  # 1-d batch norm in the necks
    det = Config.fromfile(os.path.join(
        REPO, 'configs', 'detection',
        'atss_mobilenetv2-imagenet_fpn_adamw-14e_soccer-boxes-1280x720.py'))
    assert dry_run_data.train_batch_size(det) == 1


def test_first_batches_loop(tmp_path):
    from mmengine.runner import EpochBasedTrainLoop

    from mmsport.engine.loops import FirstBatches, FirstBatchesEpochBasedTrainLoop
    from mmsport.registry import LOOPS
    assert LOOPS.get('FirstBatchesEpochBasedTrainLoop') is FirstBatchesEpochBasedTrainLoop
    assert issubclass(FirstBatchesEpochBasedTrainLoop, EpochBasedTrainLoop)

    class Loader(list):
        sampler = 'the sampler'
    view = FirstBatches(Loader(range(10)), 3)
    assert (len(view), list(view), view.sampler) == (3, [0, 1, 2], 'the sampler')
    assert list(view) == [0, 1, 2]  # again, from the start
    assert len(FirstBatches(Loader(range(2)), 3)) == 2
    with pytest.raises(ValueError):
        FirstBatches(Loader(), 0)


def test_cli_errors(tmp_path, capsys):
    from mmsport.cli.dry_run import main, parse_args
    assert main([str(tmp_path / 'missing.py')]) == 2
    assert 'no such config file' in capsys.readouterr().err
    cfg = tmp_path / 'foo_cfg.py'
    cfg.write_text("train_dataloader = dict(dataset=dict(type='FooDataset'))\n")
    assert main([str(cfg), '--work-dir', str(tmp_path / 'w')]) == 1
    assert 'foo_cfg.py' in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parse_args([str(cfg), '--iters', '0'])


@pytest.fixture(scope='module')
def shared_data(tmp_path_factory):
    """One folder of generated sets for every dry run (a layout is generated once), and
    the registries set up here once (the runs' own processes import from the fork server)."""
    from mmsport.utils.setup_env import register_all_modules
    register_all_modules(init_default_scope=False)
    import mmdet.datasets  # noqa: F401
    import mmdet.models  # noqa: F401
    import mmpretrain.datasets  # noqa: F401
    import mmpretrain.models  # noqa: F401

    import mmsport.apis.inferencers  # noqa: F401
    return str(tmp_path_factory.mktemp('dry_run_data'))


@pytest.mark.slow
@pytest.mark.parametrize('path', REAL, ids=[_rel(p) for p in REAL])
def test_dry_run(path, shared_data, tmp_path):
    from mmsport.testing.dry_run import dry_run_forked, format_summary
    res = dry_run_forked(path, str(tmp_path / 'run'), device='cpu', data_dir=shared_data)
    print(format_summary(res))
    log = os.environ.get('MMSPORT_DRY_RUN_LOG')
    if log:
        with open(log, 'a') as f:
            f.write(json.dumps(dict(res, config=_rel(path)), default=str) + '\n')
    assert len(res['iter_seconds']) == 2 and res['seconds_per_iter'] > 0
    assert res['device'] == 'cpu' and res['peak_rss_mb'] > 0
    assert os.path.isfile(res['checkpoint'])
    cfg = Config.fromfile(path)
    if cfg.get('val_cfg'):
        assert res['val_seconds'] is not None and res['val_metrics']
    if res['task'] is not None:
        assert res['outputs'] and all(os.path.isfile(f) for f in res['outputs'])
    else:
        assert cfg.model.type == 'MoCoV3'  # the self-supervised stage has no inferencer
