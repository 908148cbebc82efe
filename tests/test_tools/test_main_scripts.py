"""train.sh / inference.sh pass SEED and WORK_DIRS to every command they run.

The scripts run with ``PYTHON`` set to a stand-in interpreter that records its arguments
and, for a training command, writes the ``last_checkpoint`` file the next step reads; so
these tests check the commands the scripts build without training anything.
"""
import os
import stat
import subprocess

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEP = '\x1f'

FAKE_PYTHON = r'''#!/usr/bin/env bash
printf '%s\x1f' "$@" >> "$FAKE_LOG"; echo >> "$FAKE_LOG"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [ "${args[$i]}" = --work-dir ] && [ "${args[0]}" = tools/train.py ]; then
    mkdir -p "${args[$i+1]}"
    echo "${args[$i+1]}/iter_1.pth" > "${args[$i+1]}/last_checkpoint"
  fi
done
'''


def _invoke(tmp_path, script, *args, **env):
    """Run SCRIPT with the stand-in interpreter; the finished process."""
    fake = tmp_path / 'python'
    fake.write_text(FAKE_PYTHON)
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    full_env = {k: v for k, v in os.environ.items() if k not in ('SEED', 'WORK_DIRS')}
    full_env.update(PYTHON=str(fake), FAKE_LOG=str(tmp_path / 'calls.log'), **env)
    return subprocess.run(['bash', script, *args], cwd=REPO, env=full_env, capture_output=True,
                          text=True, timeout=60)


def _run(tmp_path, script, *args, **env):
    """Run SCRIPT, expect success; the recorded interpreter calls, each a list of arguments."""
    r = _invoke(tmp_path, script, *args, **env)
    assert r.returncode == 0, r.stdout + r.stderr
    log = tmp_path / 'calls.log'
    lines = log.read_text().splitlines() if log.exists() else []
    return [line.split(SEP)[:-1] for line in lines]


def _calls_of(calls, tool):
    return [c for c in calls if c and c[0] == tool]


def test_train_sh_ball_tracking_default_has_no_seed_option(tmp_path):
    for name in ('ball_tracking', 'tennis'):  # 'tennis': the task's former name, still taken
        (tmp_path / name).mkdir()
        work = str(tmp_path / name / 'w')
        calls = _run(tmp_path / name, 'train.sh', name, WORK_DIRS=work)
        (train,) = _calls_of(calls, 'tools/train.py')
        assert train[1:] == [
            'configs/ball_tracking/ballunet_s3_adam-800it_tennis-synthetic-320x180.py',
            '--work-dir', f'{work}/ball_tracking']


def test_train_sh_seed_reaches_reid_folds(tmp_path):
    work = str(tmp_path / 'w')
    calls = _run(tmp_path, 'train.sh', 'reid', SEED='3', WORK_DIRS=work)
    (cv,) = _calls_of(calls, 'tools/reid/train_cv.py')
    assert cv[2:] == ['--work-dir', f'{work}/reid', '--gpus', '1',
                      '--cfg-options', 'randomness.seed=3']


def test_train_sh_seed_joins_existing_cfg_options(tmp_path):
    """The transformer stages already pass --cfg-options: the seed is added to them."""
    work = str(tmp_path / 'w')
    calls = _run(tmp_path, 'train.sh', 'transformer_spotting', SEED='2', WORK_DIRS=work)
    trains = _calls_of(calls, 'tools/train.py')
    assert len(trains) == 6
    for t in trains:
        assert t.count('--cfg-options') == 1 and t[-1] == 'randomness.seed=2'
        assert t[t.index('--work-dir') + 1].startswith(f'{work}/transformer_spotting/')
    ssl_finetune = trains[2]
    assert ssl_finetune[-3:] == ['--cfg-options',
                                 f'model.pretrained_spatial={work}/transformer_spotting/ssl/iter_1.pth',
                                 'randomness.seed=2']


def test_inference_sh_reads_and_writes_under_work_dirs(tmp_path):
    work = tmp_path / 'w'
    for d in ('recognition/model1', 'recognition/model2', 'recognition/detector'):
        (work / d).mkdir(parents=True)
        (work / d / 'last_checkpoint').write_text(f'{work}/{d}/epoch_1.pth\n')
    calls = _run(tmp_path, 'inference.sh', '1', 'recognition', WORK_DIRS=str(work))
    tests = _calls_of(calls, 'tools/test.py')
    assert [t[2] for t in tests] == [f'{work}/recognition/{m}/epoch_1.pth'
                                     for m in ('model1', 'model2', 'detector')]
    (ens,) = _calls_of(calls, 'tools/recognition/ensemble.py')
    assert ens[ens.index('--out') + 1] == f'{work}/recognition/results/final.csv'


def test_inference_sh_scores_each_trained_transformer_variant(tmp_path):
    """Every variant train.sh trained is scored into submission/<variant>/, with its config;
    a variant not trained is skipped."""
    work = tmp_path / 'w'
    for d in ('scratch', 'ssl_distill_finetune'):
        (work / 'transformer_spotting' / d).mkdir(parents=True)
        (work / 'transformer_spotting' / d / 'last_checkpoint').write_text(f'{d}.pth\n')
    calls = _run(tmp_path, 'inference.sh', '2', 'transformer_spotting', WORK_DIRS=str(work))
    runs = _calls_of(calls, 'tools/transformer_spotting/inference.py')
    base = 'configs/transformer_spotting/vivit-tiny-l4_adamw-10e_soccer-v2-synthetic-96x64'
    assert [r[1:3] for r in runs] == [[f'{base}.py', 'scratch.pth'],
                                      [f'{base}_stage4-finetune-full.py',
                                       'ssl_distill_finetune.pth']]
    for r, variant in zip(runs, ('scratch', 'ssl_distill_finetune')):
        out = f'{work}/transformer_spotting/submission/{variant}'
        assert r[r.index('--out-dir') + 1] == out
        assert r[r.index('--zip') + 1] == f'{out}/results_spotting.zip'
        assert r[r.index('--nproc') + 1] == '2'


def test_inference_sh_without_transformer_models_fails(tmp_path):
    r = _invoke(tmp_path, 'inference.sh', '1', 'transformer_spotting',
                WORK_DIRS=str(tmp_path / 'empty'))
    assert r.returncode != 0
    assert f'no trained variant in {tmp_path}/empty/transformer_spotting' in r.stderr
