"""Spotting mAP against the SoccerNet evaluator (PyPI SoccerNet 0.2.0) as an oracle."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from mmsport.evaluation.functional.spotting import (DELTAS, average_map, cell_table,
                                                    closest_vector, greedy_match,
                                                    labels_to_events, labels_to_vectors,
                                                    match_class, predictions_to_vectors,
                                                    tolerance_halfwidths, trapezoid)

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


def _keys(half, cls, frame, n_cls, size):
    """Cell keys ``(half * C + class) * T + frame`` (see ``cell_table``)."""
    return (np.asarray(half) * n_cls + np.asarray(cls)) * size + np.asarray(frame)


def test_greedy_match_by_hand():
    """Ties go to the earlier prediction, a taken prediction is skipped, window edges are
    inclusive, windows never reach into another class or half."""
    size, n_cls = 100, 2
    gt = _keys([0, 0, 0, 0, 1, 1], [0, 0, 0, 1, 0, 1], [10, 12, 30, 98, 0, 1], n_cls, size)
    pred_cells = [(0, 0, 8, 0.5), (0, 0, 9, 0.9), (0, 0, 11, 0.9), (0, 0, 13, 0.7),
                  (0, 0, 30, 0.2), (0, 0, 33, 0.95),
                  (0, 0, 99, 1.0),  # class 0, next to class 1's GT at 98: never its match
                  (0, 1, 97, 0.1),  # class 1's only candidate for its GT at 98
                  (1, 0, 1, 0.3),  # half 1, class 0: only for half 1's GT at 0
                  (1, 0, 99, 0.99),  # half 1, class 0, next to class 1's GT at 1: never its
                  (1, 1, 2, 0.2)]  # match; this one is
    h, c, f, s = zip(*pred_cells)
    pred = _keys(h, c, f, n_cls, size)
    order = np.argsort(pred)
    pred, s = pred[order], np.asarray(s)[order]
    tp = greedy_match(gt, pred, s, np.array([0, 1, 2, 3]), size)
    cells = {w: sorted((int(k // size // n_cls), int(k // size % n_cls), int(k % size))
                       for k in pred[tp[i]]) for i, w in enumerate([0, 1, 2, 3])}
    assert cells[0] == [(0, 0, 30)]
    # GT 10 takes 9 (tie between 9 and 11: the earlier), GT 12 takes 11
    both = [(0, 1, 97), (1, 0, 1), (1, 1, 2)]
    assert cells[1] == [(0, 0, 9), (0, 0, 11), (0, 0, 30)] + both
    assert cells[2] == [(0, 0, 9), (0, 0, 11), (0, 0, 30)] + both
    # 33 is now within reach of GT 30 and scores higher; GT 12 still gets 11 (9 is taken)
    assert cells[3] == [(0, 0, 9), (0, 0, 11), (0, 0, 33)] + both
    # the one-class, one-half form agrees
    target, det = np.zeros(size), np.full(size, -1.0)
    target[[10, 12, 30]] = 1
    for fr, sc in [(8, .5), (9, .9), (11, .9), (13, .7), (30, .2), (33, .95)]:
        det[fr] = sc
    idx, _, is_tp, n_vis, n_uns = match_class(target, det, 6.0)  # |dt| <= 3
    assert idx[is_tp].tolist() == [9, 11, 33] and (n_vis, n_uns) == (3, 0)


def test_average_map_by_hand():
    """One class worked out by hand (docstring numbers), one class without GT or predictions.

    GT 10 (visible) and 30 (not shown); predictions 11 (0.8, TP), 20 (0.6, FP: its
    closest GT is 30, which owns frames >= (10 + 30) // 2), 31 (0.4, TP); tolerance 4
    frames. All: (p, r) = (2/3, 1), (1/2, 1/2), (1, 1/2), (0, 0) -> AP = (6 * 1 + 5 * 2/3)
    / 11 = 28/33. Visible: only 11 -> AP 1. Unshown: 20 and 31 -> (1/2, 1) -> AP 1/2.
    """
    fps, size = 1, 120 * 60
    target, det = np.zeros((size, 2)), np.full((size, 2), -1.0)
    target[10, 0], target[30, 0] = 1, -1
    det[[11, 20, 31], 0] = [0.8, 0.6, 0.4]
    res = average_map([target], [det], fps, np.array([4]))
    np.testing.assert_allclose(res['a_mAP_per_class'], [28 / 33, 0], rtol=0, atol=1e-15)
    np.testing.assert_allclose(res['a_mAP_per_class_visible'], [1, 0], rtol=0, atol=1e-15)
    np.testing.assert_allclose(res['a_mAP_per_class_unshown'], [0.5, 0], rtol=0, atol=1e-15)
    assert res['a_mAP'] == pytest.approx(14 / 33, abs=1e-15)
    assert res['a_mAP_unshown'] == 0.25  # one tolerance: no 17/13 factor
    # two tolerances: trapezoid of the two mAPs, unshown scaled by 17/13 as upstream
    two = average_map([target], [det], fps, np.array([0, 4]))
    assert two['a_mAP'] == pytest.approx(14 / 33 / 2, abs=1e-15)  # nothing matches at 0
    assert two['a_mAP_unshown'] == pytest.approx(0.25 / 2 * 17 / 13, abs=1e-15)


def _random_split(rng, n_halves, n_cls, fps):
    """Per-half arrays with bursts of GT (long chains), tied confidences (incl. 0 and 1),
    a class without GT, a class without predictions and an empty half."""
    size = 120 * 60 * fps
    targets, dets = [], []
    for h in range(n_halves):
        t, d = np.zeros((size, n_cls)), np.full((size, n_cls), -1.0)
        if h < n_halves - 1:
            for c in range(n_cls - 1):  # the last class has no predictions
                if c != 1:  # class 1 has no GT
                    burst = rng.integers(0, 600 * fps) + np.arange(0, 8 * fps, fps)
                    loose = rng.integers(0, 1200 * fps, 20)
                    fr = np.concatenate([burst, loose])
                    t[fr, c] = rng.choice([1, 1, 1, -1], len(fr))
                near = np.clip(np.flatnonzero(t[:, c]) + rng.integers(-6 * fps, 6 * fps + 1,
                               int((t[:, c] != 0).sum())), 0, size - 1)
                fr = np.concatenate([near, rng.integers(0, 1200 * fps, 40)])
                d[fr, c] = rng.choice([0.0, 0.25, 0.5, 0.5, 0.75, 1.0], len(fr))
            fr = rng.integers(0, 1200 * fps, 10)
            t[fr, n_cls - 1] = 1
        targets.append(t)
        dets.append(d)
    return targets, dets


@pytest.mark.parametrize('metric,fps', [('tight', 2), ('loose', 1), ('at2', 2)])
def test_all_halves_classes_tolerances_at_once_equal_the_reference(metric, fps):
    """Matching per (tolerance, half, class) and the whole average-mAP against the
    reference's own functions on the same arrays."""
    AS = pytest.importorskip('SoccerNet.Evaluation.ActionSpotting')
    rng = np.random.default_rng(7 + fps)
    n_cls = 5
    targets, dets = _random_split(rng, 5, n_cls, fps)
    closests = [closest_vector(t) for t in targets]
    deltas = DELTAS[metric]
    # the vectorised matcher, all at once, vs the reference's per-group loop
    size = targets[0].shape[0]
    gt = np.concatenate([_keys(h, c, f, n_cls, size)
                         for h, t in enumerate(targets) for c, f in [np.nonzero(t.T)]])
    pk = [(_keys(h, c, f, n_cls, size), d[f, c]) for h, d in enumerate(dets)
          for c, f in [np.nonzero(d.T >= 0)]]
    pred, scores = np.concatenate([k for k, _ in pk]), np.concatenate([s for _, s in pk])
    tp = greedy_match(gt, pred, scores, tolerance_halfwidths(deltas, fps), size)
    for i, delta in enumerate(deltas * fps):
        expected = []
        for t, cl, d in zip(targets, closests, dets):
            for c in range(n_cls):
                expected.append(AS.compute_class_scores(t[:, c], cl[:, c], d[:, c], delta)[0][:, 1])
        np.testing.assert_array_equal(tp[i], np.concatenate(expected) == 1, err_msg=str(delta))
    assert tp.any() and not tp.all()
    ref = AS.average_mAP(targets, dets, closests, fps, deltas)
    ours = average_map(targets, dets, fps, deltas)
    for k, r in zip(KEYS, ref):
        np.testing.assert_allclose(ours[k], r, rtol=0, atol=1e-9, err_msg=k)
    assert ours['a_mAP_per_class'][1] == 0.0  # no GT


def test_events_and_vectors_agree():
    """Last write wins per cell, frames past the half go to its last frame, unknown
    classes and halves are dropped: the sparse tables equal the dense arrays."""
    fps, classes = 2, ('A', 'B')
    anns = [dict(gameTime='1 - 00:01', label='A', position='1000', visibility='visible'),
            dict(gameTime='1 - 00:01', label='A', position='1200', visibility='not shown'),
            dict(gameTime='2 - 99:00', label='B', position=str(10 ** 8)),
            dict(gameTime='2 - 01:05', label='B'),  # no position: from gameTime
            dict(gameTime='3 - 00:01', label='A', position='1000'),
            dict(gameTime='1 - 00:02', label='C', position='2000')]
    preds = [dict(label='A', half='1', position='1000', confidence='0.9'),
             dict(label='A', half='1', position='1100', confidence=0.2),
             dict(label='B', half=2, position=3000, confidence='0.5'),
             dict(label='Z', half='1', position='0', confidence='x')]
    t1, t2 = labels_to_vectors(anns, classes, fps)
    d1, d2 = predictions_to_vectors(preds, classes, fps)
    assert t1[2, 0] == -1 and t2[-1, 1] == 1 and t2[130, 1] == 1 and np.abs(t1).sum() == 1
    assert d1[2, 0] == 0.2 and d2[6, 1] == 0.5 and (d1 >= 0).sum() + (d2 >= 0).sum() == 2
    size = 120 * 60 * fps
    keys, values = cell_table(labels_to_events(anns, classes, fps, first_half=4), 2, size)
    assert keys.tolist() == [(4 * 2 + 0) * size + 2, (5 * 2 + 1) * size + 130,
                             (5 * 2 + 1) * size + size - 1]
    assert values.tolist() == [-1, 1, 1]
