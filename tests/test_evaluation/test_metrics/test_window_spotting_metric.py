"""WindowSpottingMetric: per-timestep window scores -> merged half curve -> soft-NMS -> mAP."""
import json
import os

import numpy as np
import pytest
import torch
from mmaction.structures import ActionDataSample
from mmengine.evaluator import Evaluator

from mmsport.cli import transformer_spotting_respot as respot
from mmsport.fileio.soccernet import frame_to_position_ms, game_time
from mmsport.evaluation.functional.spotting import V2_CLASSES
from mmsport.registry import METRICS

GAME = 'spain_laliga/2021-2022/2021-08-06 - A 2 - 0 B'
N_T, T, STRIDE, FPS = 150, 40, 20, 2.0
EVENTS = [(1, 20, 'Goal'), (1, 27, 'Kick-off'), (1, 90, 'Corner'), (1, 140, 'Throw-in'),
          (2, 10, 'Substitution'), (2, 75, 'Yellow card'), (2, 120, 'Corner')]


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('v2_labels')
    anns = []
    for half, t, label in EVENTS:
        pos = frame_to_position_ms(t, FPS)
        anns.append(dict(gameTime=game_time(half, pos), label=label, position=str(pos),
                         team='home', visibility='visible'))
    os.makedirs(root / GAME)
    (root / GAME / 'Labels-v2.json').write_text(json.dumps(dict(UrlLocal=GAME, annotations=anns)))
    return str(root)


def _starts():
    return sorted({min(j * STRIDE, N_T - T) for j in range(-(-(N_T - T) // STRIDE) + 1)})


def _windows(seed=0):
    """Noisy per-timestep windows of both halves: {half: [(start, (T, C))]}."""
    rng = np.random.default_rng(seed)
    t = np.arange(N_T)
    out = {}
    for half in (1, 2):
        curve = rng.uniform(0, 0.2, (N_T, len(V2_CLASSES)))
        for h, e, label in EVENTS:
            if h == half:
                c = V2_CLASSES.index(label)
                shift = rng.integers(-3, 4)
                curve[:, c] += rng.uniform(0.4, 0.8) * np.exp(-(t - e - shift) ** 2 / 4.0)
        for _ in range(4):  # false alarms
            curve[:, rng.integers(len(V2_CLASSES))] += 0.5 * np.exp(
                -(t - rng.integers(N_T)) ** 2 / 4.0)
        out[half] = [(s, np.clip(curve[s:s + T] + rng.normal(0, 0.05, (T, curve.shape[1])),
                                 0, 1).astype(np.float32)) for s in _starts()]
    return out


def _samples(windows):
    samples = []
    for half, wins in windows.items():
        for start, score in wins:
            s = ActionDataSample(metainfo=dict(game=GAME, half=half, start=start,
                                               num_valid=T, half_timesteps=N_T))
            samples.append(s.set_pred_score(torch.from_numpy(score)))
    return samples


def _evaluate(root, samples, **kwargs):
    cfg = dict(type='WindowSpottingMetric', data_root=root, classes=V2_CLASSES)
    cfg.update(kwargs)
    ev = Evaluator([METRICS.build(cfg)])
    ev.process(samples)
    return ev.evaluate(len(samples))


def _merged_by_loop(wins, margin):
    """Reference merge: every timestep takes the max over the windows keeping it."""
    out = np.zeros((N_T, len(V2_CLASSES)), np.float32)
    for t in range(N_T):
        vals = []
        for start, score in wins:
            i = t - start
            lo = 0 if start == 0 else margin
            hi = T if start + T >= N_T else T - margin
            if lo <= i < hi:
                vals.append(score[i])
        out[t] = np.max(vals, axis=0)
    return out


@pytest.mark.parametrize('margin', [0, 4])
def test_raw_curves_are_windows_merged_by_max(data_root, tmp_path, margin):
    from mmsport.apis.spotting import load_raw_scores, raw_scores_path
    windows = _windows()
    _evaluate(data_root, _samples(windows), margin=margin, raw_dir=str(tmp_path))
    for half, wins in windows.items():
        scores, meta = load_raw_scores(raw_scores_path(str(tmp_path), GAME, half))
        np.testing.assert_array_equal(scores, _merged_by_loop(wins, margin))
        assert meta['fps'] == FPS and meta['n_frames'] == N_T


@pytest.mark.parametrize('nms', [dict(type='soft', window=20), dict(type='hard', window=10)])
def test_matches_soccernet_evaluator_and_respot(data_root, tmp_path, capsys, nms):
    """Tight/loose = SoccerNet's evaluate on the written results; respot reproduces them."""
    ref = pytest.importorskip('SoccerNet.Evaluation.ActionSpotting')
    out_dir, raw_dir = tmp_path / 'preds', tmp_path / 'raw'
    res = _evaluate(data_root, _samples(_windows()), nms=nms, margin=2,
                    out_dir=str(out_dir), raw_dir=str(raw_dir))
    for metric in ('tight', 'loose'):
        expected = ref.evaluate(data_root, str(out_dir), prediction_file='results_spotting.json',
                                version=2, framerate=2, metric=metric,
                                label_files='Labels-v2.json', dataset=None,
                                EVENT_DICTIONARY={c: i for i, c in enumerate(V2_CLASSES)})
        assert 0 < res[f'{metric}_avg_mAP'] < 1
        assert res[f'{metric}_avg_mAP'] == pytest.approx(expected['a_mAP'], abs=1e-9)
        method = 'soft_nms' if nms['type'] == 'soft' else 'nms'
        capsys.readouterr()
        assert respot.main([str(raw_dir), '--out-dir', str(tmp_path / f're_{metric}'),
                            '--method', method, '--window', str(nms['window']),
                            '--labels-root', data_root, '--metric', metric]) == 0
        last = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        assert last['a_mAP'] == pytest.approx(res[f'{metric}_avg_mAP'], abs=1e-12)


def test_bad_inputs(data_root):
    with pytest.raises(ValueError, match='mode must be one of'):
        METRICS.build(dict(type='WindowSpottingMetric', data_root=data_root,
                           classes=V2_CLASSES, nms=dict(type='gaussian')))
    with pytest.raises(ValueError, match='margin'):
        METRICS.build(dict(type='WindowSpottingMetric', data_root=data_root,
                           classes=V2_CLASSES, margin=-1))
    s = ActionDataSample(metainfo=dict(game=GAME, half=1, start=0, half_timesteps=N_T))
    with pytest.raises(ValueError, match=r'per-timestep pred_score \(T, C\)'):
        _evaluate(data_root, [s.set_pred_score(torch.zeros(len(V2_CLASSES)))])
