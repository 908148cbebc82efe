"""tools/ball_action/inference.py, tools/ball_action/submission.py and the timeline plot."""
import csv
import os
import shutil
import subprocess
import sys
import zipfile

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.runner import save_checkpoint

from mmsport.cli import ball_action_spotting_inference as infer_tool
from mmsport.cli import ball_action_submission as sub_tool
from mmsport.cli.make_synthetic_soccer import main as make_synthetic_soccer
from mmsport.apis.spotting import load_raw_scores, raw_scores_path, save_raw_scores
from mmsport.fileio.soccernet import BALL_CLASSES_2023, list_games, read_labels
from mmsport.fileio.soccernet_predictions import read_predictions_json
from mmsport.evaluation import spotting_files as eval_tool
from mmsport.registry import MODELS
from mmsport.visualization.spotting_timeline import plot_spotting_timeline

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
N = 150  # frames per half (6 s at 25 fps)
TINY = dict(type='SlowFusionStacker', num_classes=2, num_frames=6, stack_size=3,
            encoder_2d=dict(type='EfficientNetV2', arch='b0', drop_path_rate=0.0),
            feature_index_2d=2, num_3d_blocks=1, num_3d_features=16, num_3d_stack_proj=16,
            dropout=0.0, drop_path_rate_3d=0.0)


@pytest.fixture(scope='module')
def soccer_root(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('soccer'))
    make_synthetic_soccer(
        ['--out', root, '--games', '1', '--seconds-per-half', '6', '--width', '160',
         '--height', '96', '--seed', '0'])
    return root


@pytest.fixture(scope='module')
def model_files(tmp_path_factory):
    from mmengine.registry import init_default_scope
    init_default_scope('mmsport')
    d = tmp_path_factory.mktemp('model')
    cfg = Config(dict(default_scope='mmsport', model=TINY,
                      test_dataloader=dict(dataset=dict(type='Unused', num_frames=6,
                                                        frame_step=2, input_size=(48, 32))),
                      test_evaluator=dict(type='SpottingMAPMetric', data_root='',
                                          codec=dict(type='PeakSpottingCodec'))))
    cfg.dump(str(d / 'cfg.py'))
    ckpts = []
    for seed in (0, 1):
        torch.manual_seed(seed)
        ckpts.append(str(d / f'fold{seed}.pth'))
        save_checkpoint(dict(state_dict=MODELS.build(TINY).state_dict()), ckpts[-1])
    return str(d / 'cfg.py'), ckpts


def _video(root):
    return os.path.join(root, list_games(root)[0], '1_720p.mkv')


def test_inference_on_a_video(soccer_root, model_files, tmp_path):
    cfg, (ckpt0, ckpt1) = model_files
    video = shutil.copy(_video(soccer_root), tmp_path / 'match.mkv')
    runs = {}
    for name, extra in (('a', []), ('b', []), ('ab', ['--folds'])):
        out = tmp_path / name
        ckpt = ckpt1 if name == 'b' else ckpt0
        argv = [cfg, ckpt, str(video), '--out-dir', str(out), '--flip-tta', '--plot',
                '--height', '0.01'] + extra + ([ckpt1] if extra else [])
        assert infer_tool.main(argv) == 0
        runs[name], meta = load_raw_scores(str(out / 'match_raw_scores.npz'))
        assert runs[name].shape == (N, 2) and meta['n_frames'] == N and meta['flip_tta']
        assert meta['classes'] == list(BALL_CLASSES_2023) and meta['fps'] == pytest.approx(25)
    np.testing.assert_allclose(runs['ab'], (runs['a'] + runs['b']) / 2, atol=1e-6)
    out = tmp_path / 'ab'
    preds = read_predictions_json(str(out / 'match_spots.json'), classes=BALL_CLASSES_2023)
    assert preds and all(p['half'] == 1 and 0 <= p['frame'] < N for p in preds)
    with open(out / 'match_spots.csv', newline='') as f:
        rows = list(csv.reader(f))
    assert rows[0] == ['frame', 'time_s', 'label', 'confidence'] and len(rows) == len(preds) + 1
    assert [int(r[0]) for r in rows[1:]] == [p['frame'] for p in preds]
    assert float(rows[1][1]) == pytest.approx(int(rows[1][0]) / 25, abs=1e-3)
    assert cv2.imread(str(out / 'match_timeline.png')) is not None


def test_inference_on_a_data_root_skips_bad_videos(soccer_root, model_files, tmp_path):
    cfg, (ckpt, _) = model_files
    root = tmp_path / 'root'
    shutil.copytree(soccer_root, root)
    good = list_games(str(root))[0]
    season = os.path.dirname(good)
    bad, one_half = f'{season}/2022-09-01 - Bad 0 - 0 Game', f'{season}/2022-09-02 - One Half'
    for game in (bad, one_half):
        os.makedirs(root / game)
        shutil.copy(root / good / 'Labels-ball.json', root / game)
    (root / bad / '1_720p.mkv').write_bytes(b'\x00garbage' * 100)  # corrupt
    shutil.copy(root / good / '2_720p.mkv', root / bad)
    shutil.copy(root / good / '1_720p.mkv', root / one_half)  # half 2 is missing
    out = tmp_path / 'raw'
    r = subprocess.run([sys.executable, os.path.join(REPO, 'tools', 'ball_action', 'inference.py'),
                        cfg, ckpt, str(root), '--out-dir', str(out), '--stride', '2'],
                       capture_output=True, text=True, env=dict(os.environ, OMP_NUM_THREADS='1'))
    log = r.stdout + r.stderr
    assert r.returncode == 1, log
    assert 'FAILED' in log and 'Bad 0 - 0 Game' in log and 'no video for half 2' in log
    assert '4 ok, 2 failed' in log  # the four halves written (asserted below)
    for game, half in ((good, 1), (good, 2), (bad, 2), (one_half, 1)):
        scores, meta = load_raw_scores(raw_scores_path(str(out), game, half))
        assert scores.shape == (N, 2) and (meta['game'], meta['half']) == (game, half)
        assert meta['stride'] == 2
    assert not os.path.exists(raw_scores_path(str(out), bad, 1))


def _perfect_scores(labels, half):
    """(N, C) Gaussian bumps (std 4 frames, peak 1) at the GT frames of a half."""
    t = np.arange(N)
    s = np.zeros((N, len(BALL_CLASSES_2023)), np.float32)
    for a in labels:
        if a['half'] == half:
            s[:, a['class_idx']] = np.maximum(s[:, a['class_idx']],
                                              np.exp(-(t - a['frame']) ** 2 / 32))
    return s


def test_submission_from_raw_scores(soccer_root, tmp_path):
    game = list_games(soccer_root)[0]
    labels = read_labels(os.path.join(soccer_root, game, 'Labels-ball.json'), BALL_CLASSES_2023)
    assert {a['class_idx'] for a in labels} == {0, 1}  # every class has GT: mAP can be 1
    raw_a, raw_b, raw_bad = tmp_path / 'fold_a', tmp_path / 'fold_b', tmp_path / 'bad'
    for half in (1, 2):
        s = _perfect_scores(labels, half)
        meta = dict(game=game, half=half, classes=list(BALL_CLASSES_2023), fps=25.0)
        save_raw_scores(raw_scores_path(str(raw_a), game, half), s, meta)
        save_raw_scores(raw_scores_path(str(raw_b), game, half), 0.5 * s, meta)
    broken = tmp_path / 'bad' / 'x' / 'y' / 'broken game' / '1_raw_scores.npz'
    os.makedirs(broken.parent)
    broken.write_bytes(b'junk')

    out_a = tmp_path / 'sub_a'
    assert sub_tool.main([str(raw_a), '--out-dir', str(out_a)]) == 0
    out = tmp_path / 'sub'
    plots = tmp_path / 'plots'
    assert sub_tool.main([str(raw_a), str(raw_b), '--out-dir', str(out), '--labels-root',
                          soccer_root, '--plot-dir', str(plots), '--sigma', '3',
                          '--height', '0.2', '--distance', '15']) == 0
    res = eval_tool.evaluate_folder(soccer_root, str(out), 'Labels-ball.json',
                                    BALL_CLASSES_2023, 25, 'at1')
    assert res['a_mAP'] == pytest.approx(1.0)
    one = read_predictions_json(str(out_a / game / 'results_spotting.json'))
    mean = read_predictions_json(str(out / game / 'results_spotting.json'))
    assert [p['frame'] for p in mean] == [a['frame'] for a in labels]
    for p, q in zip(one, mean):  # mean of scores and 0.5 * scores = 0.75 * scores
        assert q['confidence'] == pytest.approx(0.75 * p['confidence'], abs=1e-5)
    with zipfile.ZipFile(out / 'results_spotting.zip') as z:
        assert z.namelist() == [f'{game}/results_spotting.json']
    for half in (1, 2):
        assert cv2.imread(str(plots / game / f'{half}_timeline.png')) is not None
    ref = pytest.importorskip('SoccerNet.Evaluation.ActionSpotting')
    res = ref.evaluate(soccer_root, str(out / 'results_spotting.zip'),
                       prediction_file='results_spotting.json', version=2, framerate=25,
                       metric='at1', label_files='Labels-ball.json', dataset=None,
                       EVENT_DICTIONARY={'PASS': 0, 'DRIVE': 1})
    assert res['a_mAP'] == pytest.approx(1.0)

    # a bad input fails its game only; a labelled game without scores is reported
    out_bad = tmp_path / 'sub_bad'
    assert sub_tool.main([str(raw_a), str(raw_bad), '--out-dir', str(out_bad)]) == 1
    assert os.path.exists(out_bad / game / 'results_spotting.json')
    assert not os.path.exists(out_bad / 'x')
    with zipfile.ZipFile(out_bad / 'results_spotting.zip') as z:
        assert z.namelist() == [f'{game}/results_spotting.json']
    assert sub_tool.main([str(raw_bad), '--out-dir', str(tmp_path / 'none'),
                          '--labels-root', soccer_root]) == 1
    assert sub_tool.main([str(tmp_path / 'nothing_here'), '--out-dir', str(out_bad)]) == 1
    half1 = tmp_path / 'half1'
    shutil.copytree(raw_a, half1)
    os.remove(raw_scores_path(str(half1), game, 2))  # half 2 has labels but no scores
    assert sub_tool.main([str(half1), '--out-dir', str(tmp_path / 'h1')]) == 0
    assert sub_tool.main([str(half1), '--out-dir', str(tmp_path / 'h1l'),
                          '--labels-root', soccer_root]) == 1
    assert not os.path.exists(tmp_path / 'h1l' / game)


def test_timeline_plot(tmp_path):
    t = 30000  # longer than MAX_POINTS: pooled for drawing
    scores = np.zeros((t, 2), np.float32)
    scores[1000:1010, 0] = 0.9
    out = plot_spotting_timeline(scores, {'PASS': [1005], 1: [20000]},
                                 [(1005, 0, 0.9), (25000, 1, 0.4)], BALL_CLASSES_2023, 25,
                                 str(tmp_path / 'a' / 'half.png'), title='game', height=0.2)
    img = cv2.imread(out)
    assert img is not None and img.shape[0] > 100 and img.shape[1] > 500
    assert os.listdir(tmp_path / 'a') == ['half.png']
    plot_spotting_timeline(scores[:10], None, [], BALL_CLASSES_2023, 25, str(tmp_path / 'b.png'))
    with pytest.raises(ValueError):
        plot_spotting_timeline(scores, None, [], ('PASS', ), 25, str(tmp_path / 'c.png'))


def test_inference_nproc_shards_the_halves(soccer_root, model_files, tmp_path):
    cfg, (ckpt, _) = model_files
    outs = {}
    for n in (1, 2):
        out = tmp_path / f'raw{n}'
        r = subprocess.run([sys.executable, os.path.join(REPO, 'tools', 'ball_action', 'inference.py'),
                            cfg, ckpt, str(soccer_root), '--out-dir', str(out), '--stride', '2',
                            '--nproc', str(n)], capture_output=True, text=True,
                           env=dict(os.environ, OMP_NUM_THREADS='1'))
        assert r.returncode == 0, (r.stdout + r.stderr)[-3000:]
        outs[n] = out
    game = list_games(str(soccer_root))[0]
    for half in (1, 2):
        a, _ = load_raw_scores(raw_scores_path(str(outs[1]), game, half))
        b, _ = load_raw_scores(raw_scores_path(str(outs[2]), game, half))
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_submission_settings_take_the_configs_codec(tmp_path):
    """submission.py --config decodes with the codec of the config's evaluator; peak
    overrides refine a peak codec and are an error with another codec."""
    from mmsport.apis.postprocess.spotting_submission import settings
    from mmsport.models.task_modules import NMSSpottingCodec, PeakSpottingCodec
    paths = {}
    for name, codec in (('peaks', dict(type='PeakSpottingCodec', height=0.4)),
                        ('nms', dict(type='NMSSpottingCodec', mode='hard', window=8))):
        cfg = Config(dict(model=TINY, test_dataloader=dict(dataset=dict(
            type='Unused', classes=['A', 'B'])), test_evaluator=dict(
                type='SpottingMAPMetric', data_root='', codec=codec)))
        paths[name] = str(tmp_path / f'{name}.py')
        cfg.dump(paths[name])
    classes, fps, codec = settings(config=paths['peaks'], distance=9)
    assert classes == ('A', 'B') and fps is None
    assert isinstance(codec, PeakSpottingCodec)
    assert (codec.sigma, codec.height, codec.distance) == (3.0, 0.4, 9)
    _, _, codec = settings(config=paths['nms'])
    assert isinstance(codec, NMSSpottingCodec) and (codec.mode, codec.window) == ('hard', 8.0)
    with pytest.raises(ValueError, match='set peak picking'):
        settings(config=paths['nms'], sigma=2.0)
    assert isinstance(settings()[2], PeakSpottingCodec)
