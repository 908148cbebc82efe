"""SpottingMAPMetric: window scores -> dense curve -> peaks -> SoccerNet mAP."""
import json
import os

import numpy as np
import pytest
import torch
from mmaction.structures import ActionDataSample
from mmengine.evaluator import Evaluator

from mmsport.fileio.soccernet import frame_to_position_ms, game_time
from mmsport.evaluation.metrics.spotting_metric import (SpottingMAPMetric,
                                                        centre_scores_to_curve,
                                                        spots_to_predictions)
from mmsport.registry import METRICS

GAME = 'england_epl/2022-2023/2022-08-03 - A 1 - 0 B'
N_FRAMES = 400
# (half, frame, class); frames are multiples of 4 (the sparse-centre test)
EVENTS = [(1, 100, 'PASS'), (1, 200, 'DRIVE'), (1, 300, 'PASS'), (2, 152, 'PASS'),
          (2, 260, 'DRIVE')]
CLASSES = ('PASS', 'DRIVE')


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('spot_labels')
    anns = []
    for half, frame, label in EVENTS:
        pos = frame_to_position_ms(frame, 25)
        anns.append(dict(gameTime=game_time(half, pos), label=label, position=str(pos),
                         team='left', visibility='visible'))
    os.makedirs(root / GAME)
    (root / GAME / 'Labels-ball.json').write_text(json.dumps(
        dict(UrlLocal=GAME, annotations=anns)))
    return str(root)


def _perfect_curve(half, shift=0):
    """(N_FRAMES, C) Gaussian bumps (std 4 frames, peak 1) at the GT frames + shift."""
    t = np.arange(N_FRAMES)[:, None]
    curve = np.zeros((N_FRAMES, len(CLASSES)))
    for h, frame, label in EVENTS:
        if h == half:
            c = CLASSES.index(label)
            curve[:, c] = np.maximum(curve[:, c],
                                     np.exp(-(t[:, 0] - frame - shift) ** 2 / 32))
    return curve


def _samples(shift=0, step=1, as_dict=False):
    out = []
    for half in (1, 2):
        curve = _perfect_curve(half, shift)
        for f in range(0, N_FRAMES, step):
            s = ActionDataSample()
            s.set_metainfo(dict(game=GAME, half=half, frame=f, video='x.mkv'))
            s.set_pred_score(torch.tensor(curve[f], dtype=torch.float32))
            out.append(s.to_dict() if as_dict else s)
    return out


def _evaluate(root, samples, **kwargs):
    metric = METRICS.build(dict(type='SpottingMAPMetric', data_root=root, **kwargs))
    ev = Evaluator([metric])
    ev.process(samples)
    return ev.evaluate(len(samples))


@pytest.mark.parametrize('as_dict', [False, True])
def test_perfect_scores_give_map_1(data_root, as_dict):
    res = _evaluate(data_root, _samples(as_dict=as_dict))
    assert res['mAP@1'] == pytest.approx(1.0)
    assert res['tight_avg_mAP'] == pytest.approx(1.0)
    assert res['mAP@1_PASS'] == pytest.approx(1.0) and res['mAP@1_DRIVE'] == pytest.approx(1.0)


@pytest.mark.parametrize('shift,expected', [(12, 1.0), (-12, 1.0), (13, 0.0), (-20, 0.0)])
def test_tolerance_is_12_frames_at1(data_root, shift, expected):
    res = _evaluate(data_root, _samples(shift=shift), tolerances=('at1', ))
    assert res['mAP@1'] == pytest.approx(expected)
    assert set(res) == {'mAP@1', 'mAP@1_PASS', 'mAP@1_DRIVE'}


def test_sparse_centres_are_interpolated(data_root):
    res = _evaluate(data_root, _samples(step=4), tolerances=('at1', 'loose'))
    assert res['mAP@1'] == pytest.approx(1.0)
    assert res['loose_avg_mAP'] == pytest.approx(1.0)


def test_only_predicted_halves_are_scored(data_root):
    half1 = [s for s in _samples() if s.half == 1]
    assert _evaluate(data_root, half1)['mAP@1'] == pytest.approx(1.0)


def test_missing_class_scores_zero(data_root):
    samples = _samples()
    for s in samples:
        s.set_pred_score(s.pred_score * torch.tensor([1.0, 0.0]))  # never predicts DRIVE
    res = _evaluate(data_root, samples)
    assert res['mAP@1_PASS'] == pytest.approx(1.0) and res['mAP@1_DRIVE'] == 0.0
    assert res['mAP@1'] == pytest.approx(0.5)


def test_codec_height_filters_everything(data_root):
    res = _evaluate(data_root, _samples(), codec=dict(type='PeakSpottingCodec', height=0.99))
    assert res['mAP@1'] == 0.0
    # the older spelling builds the same codec
    assert _evaluate(data_root, _samples(), postprocess=dict(height=0.99))['mAP@1'] == 0.0
    with pytest.raises(ValueError, match='one of codec, postprocess'):
        _evaluate(data_root, _samples(), codec=dict(type='PeakSpottingCodec'),
                  postprocess=dict(height=0.99))


def test_centre_scores_to_curve():
    centres = [8, 0, 4, 4]  # unsorted, 4 duplicated (averaged)
    scores = np.array([[0.8, 1.0], [0.0, 0.0], [0.2, 0.0], [0.6, 0.0]])
    curve = centre_scores_to_curve(centres, scores, n_frames=11)
    assert curve.shape == (11, 2) and curve.dtype == np.float32
    np.testing.assert_allclose(curve[:9, 0], [0, .1, .2, .3, .4, .5, .6, .7, .8], atol=1e-6)
    np.testing.assert_allclose(curve[4:9, 1], [0, .25, .5, .75, 1.0], atol=1e-6)
    np.testing.assert_allclose(curve[9:], [[0.8, 1.0], [0.8, 1.0]])  # held after the last
    assert centre_scores_to_curve([0, 2], np.ones((2, 3))).shape == (3, 3)
    assert centre_scores_to_curve([], np.zeros((0, 2)), 5).shape == (5, 2)


def test_spots_to_predictions_round_trip():
    from mmsport.evaluation.functional import predictions_to_vectors
    preds = spots_to_predictions([(1, 0, 0.5), (12345, 1, 0.25)], 2, CLASSES, 25)
    assert preds[1]['label'] == 'DRIVE' and preds[1]['half'] == 2
    vec = predictions_to_vectors(preds, CLASSES, 25)[1]
    assert vec[1, 0] == 0.5 and vec[12345, 1] == 0.25


def test_bad_arguments(data_root):
    with pytest.raises(ValueError, match='unknown spotting metrics'):
        SpottingMAPMetric(data_root, tolerances=('at7', ))
    with pytest.raises(ValueError, match='classes'):
        _evaluate(data_root, _samples(), classes=('PASS', 'DRIVE', 'SHOT'))


def test_matches_soccernet_reference_on_noisy_scores(data_root, tmp_path):
    """Same value as SoccerNet 0.2.0 ``evaluate`` on the peaks written as results_spotting.json."""
    ref = pytest.importorskip('SoccerNet.Evaluation.ActionSpotting')
    from mmsport.fileio.soccernet_predictions import write_predictions_json
    from mmsport.models.postprocess import peak_spotting
    rng = np.random.default_rng(0)
    samples, preds = [], []
    for half in (1, 2):
        t = np.arange(N_FRAMES)[:, None]
        curve = rng.uniform(0, 0.3, (N_FRAMES, 2))
        bumps = [(f + rng.integers(-16, 17), CLASSES.index(lab)) for h, f, lab in EVENTS
                 if h == half] + [(rng.integers(0, N_FRAMES), rng.integers(0, 2))
                                  for _ in range(6)]  # + false alarms
        for f, c in bumps:
            curve[:, c] += rng.uniform(0.3, 0.9) * np.exp(-(t[:, 0] - f) ** 2 / 32)
        curve = np.clip(curve, 0, 1)
        for f in range(0, N_FRAMES, 2):
            s = ActionDataSample(metainfo=dict(game=GAME, half=half, frame=f))
            samples.append(s.set_pred_score(torch.tensor(curve[f], dtype=torch.float32)))
        dense = centre_scores_to_curve(np.arange(0, N_FRAMES, 2), curve[::2], N_FRAMES - 1)
        preds += spots_to_predictions(peak_spotting(dense, 3, 0.2, 15), half, CLASSES)
    assert len(preds) > 10
    write_predictions_json(str(tmp_path / GAME / 'results_spotting.json'), GAME, preds)
    res = _evaluate(data_root, samples, tolerances=('at1', 'tight'))
    for metric, key in (('at1', 'mAP@1'), ('tight', 'tight_avg_mAP')):
        expected = ref.evaluate(data_root, str(tmp_path), prediction_file='results_spotting.json',
                                version=2, framerate=25, metric=metric,
                                label_files='Labels-ball.json', dataset=None,
                                EVENT_DICTIONARY={'PASS': 0, 'DRIVE': 1})
        assert 0 < res[key] < 1
        assert res[key] == pytest.approx(expected['a_mAP'], abs=1e-9)
