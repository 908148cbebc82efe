import json
import os
import sys

import pytest

from mmsport.apis.seed_sweep import (format_summary, last_val_metrics, run_seeds, summarize,
                                     train_command)
from mmsport.cli.train_seeds import main


def _write_scalars(work_dir, records, stamp='20260101_000000'):
    d = os.path.join(work_dir, stamp, 'vis_data')
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, 'scalars.json'), 'w') as f:
        f.write('\n'.join(json.dumps(r) for r in records) + '\n')


def test_last_val_metrics_skips_training_records_and_takes_the_newest_run(tmp_path):
    wd = str(tmp_path)
    _write_scalars(wd, [{'mAP@1': 0.1, 'step': 1}], stamp='20260101_000000')
    _write_scalars(wd, [{'loss': 0.5, 'lr': 1e-3, 'step': 10},
                        {'mAP@1': 0.4, 'mAP@1_PASS': 0.9, 'time': 0.2, 'step': 1},
                        {'loss': 0.3, 'lr': 1e-4, 'step': 20},
                        {'mAP@1': 0.6, 'mAP@1_PASS': 1.0, 'data_time': 0.1, 'step': 2}],
                   stamp='20260102_000000')
    assert last_val_metrics(wd) == {'mAP@1': 0.6, 'mAP@1_PASS': 1.0}
    assert last_val_metrics(str(tmp_path / 'none')) == {}


def test_summarize_is_hand_worked():
    st = summarize([0.740, 0.621, 0.781])
    assert st['mean'] == pytest.approx(0.714)
    assert (st['min'], st['max'], st['n']) == (0.621, 0.781, 3)
    # sample std: sqrt((0.026**2 + 0.093**2 + 0.067**2) / 2)
    assert st['std'] == pytest.approx(0.0831084, abs=1e-7)
    assert summarize([0.5])['std'] == 0.0
    with pytest.raises(ValueError):
        summarize([])


def _fake_command(config, seed, work_dir, deterministic, cfg_options):
    """A 'training run' that logs metric 0.5 + seed / 10, and fails for seed 3."""
    code = (f'import json, os, sys\n'
            f'if {seed} == 3: sys.exit(1)\n'
            f'd = os.path.join({work_dir!r}, "20260101_000000", "vis_data")\n'
            f'os.makedirs(d, exist_ok=True)\n'
            f'open(os.path.join(d, "scalars.json"), "w").write('
            f'json.dumps({{"loss": 1.0, "lr": 0.1, "step": 1}}) + "\\n" + '
            f'json.dumps({{"f1": 0.5 + {seed} / 10, "step": 1}}) + "\\n")\n')
    return [sys.executable, '-c', code]


def test_run_seeds_reports_each_run_and_the_spread(tmp_path):
    res = run_seeds('cfg.py', [0, 1, 2], str(tmp_path), metric='f1', command=_fake_command)
    assert res['runs'] == {0: {'f1': 0.5}, 1: {'f1': 0.6}, 2: {'f1': 0.7}}
    assert res['summary']['f1']['mean'] == pytest.approx(0.6)
    assert (res['summary']['f1']['min'], res['summary']['f1']['max']) == (0.5, 0.7)
    saved = json.load(open(tmp_path / 'seeds.json'))
    assert saved['summary']['f1']['n'] == 3 and not os.path.exists(tmp_path / 'seeds.json.part')
    text = format_summary(res)
    assert 'seed 1: 0.6000' in text and 'mean 0.6000, min 0.5000, max 0.7000' in text


def test_a_failed_seed_is_reported_not_averaged(tmp_path, capsys):
    res = run_seeds('cfg.py', [0, 3], str(tmp_path), command=_fake_command)
    assert res['failed'] == [3] and list(res['runs']) == [0]
    assert res['summary']['f1']['n'] == 1
    assert 'seed 3 failed: exit code 1' in capsys.readouterr().out
    res = run_seeds('cfg.py', [3], str(tmp_path / 'a'), metric='f1', command=_fake_command)
    assert res['failed'] == [3] and res['summary'] == {}
    assert 'failed seeds: [3]' in format_summary(res)
    with pytest.raises(KeyError, match="not 'mAP@1'"):
        run_seeds('cfg.py', [0], str(tmp_path / 'b'), metric='mAP@1', command=_fake_command)


def test_train_command_and_cli_errors(tmp_path, capsys):
    cmd = train_command('c.py', 4, 'wd', deterministic=True, cfg_options=['a=1'])
    # the installed package's entry point: no checkout, no tools/ script
    assert cmd[1:6] == ['-m', 'mmsport.cli.train', 'c.py', '--work-dir', 'wd']
    assert cmd[cmd.index('--cfg-options') + 1:] == ['randomness.seed=4', 'a=1',
                                                    'randomness.deterministic=True']
    assert main([str(tmp_path / 'missing.py')]) == 2
    assert 'no such config file' in capsys.readouterr().err


def test_reuse_finished_reads_back_only_finished_runs(tmp_path, capsys):
    from mmsport.apis.seed_sweep import final_checkpoint_name, finished_run_metrics
    cfg = tmp_path / 'cfg.py'
    cfg.write_text('train_cfg = dict(by_epoch=False, max_iters=40)\n')
    assert final_checkpoint_name(str(cfg)) == 'iter_40.pth'
    assert final_checkpoint_name(str(cfg), ['train_cfg.max_iters=7']) == 'iter_7.pth'
    ep = tmp_path / 'ep.py'
    ep.write_text('train_cfg = dict(by_epoch=True, max_epochs=3)\n')
    assert final_checkpoint_name(str(ep)) == 'epoch_3.pth'
    root = tmp_path / 'sweep'
    run_seeds(str(cfg), [0, 1], str(root), metric='f1', command=_fake_command)
    # seed 0 finished (its final checkpoint is the last one); seed 1 stopped at iter 20
    for seed, last in ((0, 'iter_40.pth'), (1, 'iter_20.pth')):
        wd = root / f'seed{seed}'
        (wd / last).write_bytes(b'x')
        (wd / 'last_checkpoint').write_text(str(wd / last))
    assert finished_run_metrics(str(root / 'seed0'), 'iter_40.pth') == {'f1': 0.5}
    assert finished_run_metrics(str(root / 'seed1'), 'iter_40.pth') == {}
    assert finished_run_metrics(str(root / 'seed2'), 'iter_40.pth') == {}
    trained = []

    def command(config, seed, work_dir, deterministic, cfg_options):
        trained.append(seed)
        return _fake_command(config, seed + 5, work_dir, deterministic, cfg_options)

    capsys.readouterr()
    res = run_seeds(str(cfg), [0, 1], str(root), metric='f1', command=command,
                    reuse_finished=True)
    assert trained == [1]  # seed 0 read back, seed 1 trained again
    assert res['runs'][0] == {'f1': 0.5} and 'seed 0 finished earlier' in capsys.readouterr().out
    assert res['runs'][1]['f1'] == pytest.approx(1.1) and res['failed'] == []


def test_a_metric_the_evaluator_does_not_report_stops_before_training(tmp_path, capsys):
    from mmsport.apis.seed_sweep import expected_metric_names
    cfg = tmp_path / 'cfg.py'
    cfg.write_text("default_scope = 'mmsport'\n"
                   "val_evaluator = dict(type='SpottingMAPMetric', data_root='unused', "
                   "tolerances=('at1', 'tight'))\n")
    assert expected_metric_names(str(cfg)) == ['mAP@1', 'tight_avg_mAP']
    calls = []

    def command(*a):
        calls.append(a)
        return [sys.executable, '-c', 'pass']
    with pytest.raises(ValueError, match=r"does not report --metric 'mAP@l'.*did you mean "
                                         r"'mAP@1'"):
        run_seeds(str(cfg), [0], str(tmp_path / 'w'), metric='mAP@l', command=command)
    assert calls == []  # nothing trained
    assert main([str(cfg), '--metric', 'SiBaTrAc', '--work-dir', str(tmp_path / 'w2')]) == 2
    assert "does not report --metric 'SiBaTrAc'" in capsys.readouterr().err
    # an evaluator that cannot name its keys on no samples: checked after the first run
    cfg.write_text("default_scope = 'mmsport'\n"
                   "val_evaluator = dict(type='ReIDMetric')\n")
    assert expected_metric_names(str(cfg)) is None
