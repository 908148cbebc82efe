"""Spotting mAP against the SoccerNet evaluator (PyPI SoccerNet 0.2.0) as an oracle."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from mmsport.evaluation.functional.spotting import (DELTAS, average_map, closest_vector,
                                                    labels_to_vectors, predictions_to_vectors,
                                                    trapezoid)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
KEYS = ('a_mAP', 'a_mAP_per_class', 'a_mAP_visible', 'a_mAP_per_class_visible',
        'a_mAP_unshown', 'a_mAP_per_class_unshown')


def _game_time(half, ms):
    s = int(ms) // 1000
    return f'{half} - {s // 60:02d}:{s % 60:02d}'


def make_split(root_labels, root_preds, classes, fps, rng, n_games=2, n_gt=60, edge_cases=True):
    """Random games with the edge cases the evaluator must agree on."""
    for g in range(n_games):
        game = os.path.join('league', '2023', f'game {g}')
        anns, preds = [], []
        for half in (1, 2):
            for _ in range(n_gt):
                ms = int(rng.integers(0, 10 * 60 * 1000))
                label = classes[int(rng.integers(0, len(classes) - (1 if edge_cases else 0)))]
                vis = 'not shown' if rng.random() < 0.2 else 'visible'
                anns.append(dict(gameTime=_game_time(half, ms), label=label, position=str(ms),
                                 team='left', visibility=vis))
                for _ in range(int(rng.integers(0, 3))):  # predictions near the GT
                    pm = max(0, ms + int(rng.normal(0, 700)))
                    preds.append(dict(gameTime=_game_time(half, pm), label=label,
                                      position=str(pm), half=str(half),
                                      confidence=str(round(float(rng.random()), 3))))
            for _ in range(n_gt):  # false alarms anywhere
                pm = int(rng.integers(0, 10 * 60 * 1000))
                preds.append(dict(gameTime=_game_time(half, pm), label=classes[int(rng.integers(
                    0, len(classes)))], position=str(pm), half=str(half),
                    confidence=str(round(float(rng.random()), 2))))
        if edge_cases:
            # same (frame, class) twice: the last one written wins
            preds.append(dict(gameTime='1 - 00:10', label=classes[0], position='10000',
                              half='1', confidence='0.9'))
            preds.append(dict(gameTime='1 - 00:10', label=classes[0], position='10010',
                              half='1', confidence='0.1'))
            anns.append(dict(gameTime='1 - 00:10', label=classes[0], position='10000',
                             visibility='visible'))
            # an unknown label and a third half are ignored by both
            preds.append(dict(gameTime='1 - 00:20', label='NOT A CLASS', position='20000',
                              half='1', confidence='0.5'))
            anns.append(dict(gameTime='3 - 00:20', label=classes[0], position='20000',
                             visibility='visible'))
        os.makedirs(os.path.join(root_labels, game))
        os.makedirs(os.path.join(root_preds, game))
        with open(os.path.join(root_labels, game, 'Labels-test.json'), 'w') as f:
            json.dump(dict(UrlLocal=game, annotations=anns), f)
        with open(os.path.join(root_preds, game, 'results_spotting.json'), 'w') as f:
            json.dump(dict(UrlLocal=game, predictions=preds), f)


@pytest.mark.parametrize('classes,fps,metric', [
    (('PASS', 'DRIVE', 'EMPTY'), 25, 'at1'),
    (('PASS', 'DRIVE', 'EMPTY'), 25, 'tight'),
    (('Goal', 'Corner', 'Throw-in', 'EMPTY'), 2, 'loose'),
])
def test_tool_equals_soccernet_evaluator(tmp_path, classes, fps, metric):
    AS = pytest.importorskip('SoccerNet.Evaluation.ActionSpotting')
    rng = np.random.default_rng(len(classes) + fps)
    labels, preds = str(tmp_path / 'labels'), str(tmp_path / 'preds')
    make_split(labels, preds, classes, fps, rng)
    ref = AS.evaluate(labels, preds, prediction_file='results_spotting.json', version=2,
                      framerate=fps, metric=metric, label_files='Labels-test.json',
                      dataset=None, EVENT_DICTIONARY={c: i for i, c in enumerate(classes)})
    r = subprocess.run([sys.executable, os.path.join(REPO, 'tools', 'evaluate_spotting.py'),
                        labels, preds, '--label-file', 'Labels-test.json', '--framerate',
                        str(fps), '--metric', metric, '--classes', *classes],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    ours = json.loads(r.stdout.strip().splitlines()[-1])
    for k in KEYS:
        np.testing.assert_allclose(ours[k], ref[k], rtol=0, atol=1e-9, err_msg=k)
    assert ours['a_mAP_per_class'][-1] == 0.0  # a class without GT counts as 0


def test_closest_vector_matches_reference_loop():
    """The reference builds ``closest`` inline in evaluate(); same result here."""
    rng = np.random.default_rng(3)
    t = np.zeros((500, 3))
    t[rng.integers(0, 500, 30), rng.integers(0, 2, 30)] = rng.choice([-1, 1], 30)
    expected = np.zeros(t.shape) - 1
    for c in range(t.shape[1]):  # transcription of the reference's loop
        indexes = np.where(t[:, c] != 0)[0].tolist()
        if not indexes:
            continue
        indexes.insert(0, -indexes[0])
        indexes.append(2 * expected.shape[0])
        for i in np.arange(len(indexes) - 2) + 1:
            start = max(0, (indexes[i - 1] + indexes[i]) // 2)
            stop = min(expected.shape[0], (indexes[i] + indexes[i + 1]) // 2)
            expected[start:stop, c] = t[indexes[i], c]
    np.testing.assert_array_equal(closest_vector(t), expected)


def test_perfect_predictions_score_one():
    fps = 25
    anns = [dict(gameTime='1 - 00:01', label='PASS', position='1000', visibility='visible'),
            dict(gameTime='2 - 00:05', label='DRIVE', position='5000', visibility='visible')]
    preds = [dict(label=a['label'], position=a['position'], half=a['gameTime'][0],
                  confidence='1.0') for a in anns]
    t = labels_to_vectors(anns, ('PASS', 'DRIVE'), fps)
    d = predictions_to_vectors(preds, ('PASS', 'DRIVE'), fps)
    res = average_map(list(t), list(d), fps, DELTAS['at1'])
    assert res['a_mAP'] == 1.0 and res['a_mAP_per_class'] == [1.0, 1.0]


def test_trapezoid():
    assert trapezoid(np.array([1.0, 3.0, 5.0])) == pytest.approx(3.0)
    assert trapezoid(np.array([0.7])) == 0.7


def test_tool_reports_missing_prediction_file(tmp_path):
    labels = tmp_path / 'labels' / 'l' / 's' / 'g'
    labels.mkdir(parents=True)
    (labels / 'Labels-ball.json').write_text(json.dumps(dict(annotations=[])))
    r = subprocess.run([sys.executable, os.path.join(REPO, 'tools', 'evaluate_spotting.py'),
                        str(tmp_path / 'labels'), str(tmp_path / 'preds')],
                       capture_output=True, text=True)
    assert r.returncode == 2 and 'g/results_spotting.json: file is missing' in r.stderr
