"""Ball-action spotting, bad inputs: SoccerNet label / prediction json files, the
evaluator (tools/evaluate_spotting.py) and raw score files. Malformed entries are errors
naming the file and the entry; what the reference evaluator ignores (unknown labels,
extra halves) keeps its value but is warned about with the file and the count, and is an
error with --strict; a batch of games carries on past a bad one, writing nothing for it."""
import json
import math
import os
import re
import warnings

import numpy as np
import pytest

from mmsport.evaluation.spotting_files import SpottingEvalError, evaluate_folder
from mmsport.fileio.raw_scores import load_raw_scores, raw_scores_path, save_raw_scores
from mmsport.fileio.soccernet import (BALL_CLASSES_2023, SoccerNetDataError,
                                      SoccerNetDataWarning, read_labels)
from mmsport.fileio.soccernet_predictions import read_predictions_json
from mmsport.testing.bad_inputs import leftovers, truncate, write_json

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLASSES = BALL_CLASSES_2023
FPS = 25.0
GAMES = ('league/2023/game_a', 'league/2023/game_b')
LABEL_FILE = 'Labels-ball.json'


def _gt(half, ms):
    return f'{half} - {ms // 60000:02d}:{ms // 1000 % 60:02d}'


def _ann(half, ms, label, **kw):
    return dict(gameTime=_gt(half, ms), label=label, position=str(ms), visibility='visible',
                **kw)


def _pred(half, ms, label, conf):
    return dict(gameTime=_gt(half, ms), label=label, position=str(ms), half=str(half),
                confidence=str(conf))


def _split(root, extra_anns=(), extra_preds=()):
    """Two games with labels and slightly off predictions; extras go to game_a."""
    labels, preds = os.path.join(root, 'labels'), os.path.join(root, 'preds')
    for g, game in enumerate(GAMES):
        anns = [_ann(h, 1000 * (5 + 7 * k + g), CLASSES[k % 2]) for h in (1, 2)
                for k in range(6)]
        pr = [_pred(int(a['gameTime'][0]), int(a['position']) + 40 * (k % 3),
                    a['label'], round(0.3 + 0.05 * k, 2)) for k, a in enumerate(anns)]
        pr.append(_pred(1, 90000, 'PASS', 0.8))  # a false alarm
        if g == 0:
            anns += list(extra_anns)
            pr += list(extra_preds)
        write_json(os.path.join(labels, game, LABEL_FILE), dict(UrlLocal=game, annotations=anns))
        write_json(os.path.join(preds, game, 'results_spotting.json'),
                   dict(UrlLocal=game, predictions=pr))
    return labels, preds


def _eval(labels, preds, **kw):
    return evaluate_folder(labels, preds, LABEL_FILE, CLASSES, FPS, 'tight', **kw)


def _game_a_preds(preds):
    return os.path.join(preds, GAMES[0], 'results_spotting.json')


# ------------------------------------------------------------------ malformed entries

BAD_PREDICTIONS = [  # (entry appended to game_a's predictions, message after the file)
    (dict(label='PASS', position='100', half='1'), r'prediction 13: no "confidence"'),
    (dict(label='PASS', half='1', confidence='0.5'), r'prediction 13: no "position"'),
    (dict(label='PASS', position='100', confidence='0.5'), r'prediction 13: no "half"'),
    (dict(position='100', half='1', confidence='0.5'), r'prediction 13: no "label"'),
    (_pred(1, 100, 'PASS', 'high'), r"prediction 13: confidence 'high' is not a number"),
    (dict(_pred(1, 100, 'PASS', 0), confidence=float('nan')),
     r'prediction 13: confidence nan is not finite'),
    (dict(_pred(1, 100, 'PASS', 0), confidence=float('inf')),
     r'prediction 13: confidence inf is not finite'),
    (_pred(1, 100, 'PASS', 1.5), r"prediction 13: confidence '1.5' is outside \[0, 1\]"),
    (_pred(1, 100, 'PASS', -0.1), r"prediction 13: confidence '-0.1' is outside \[0, 1\]"),
    (dict(_pred(1, 100, 'PASS', 0.5), position='-40'),
     r"prediction 13: position '-40' is not a non-negative integer"),
    (dict(_pred(1, 100, 'PASS', 0.5), position='1.5s'),
     r"prediction 13: position '1.5s' is not a non-negative integer"),
    (dict(_pred(1, 100, 'PASS', 0.5), half='first'),
     r"prediction 13: half 'first' is not an integer"),
    (dict(_pred(1, 100, 'PASS', 0.5), label=3), r'prediction 13: label 3 is not a string'),
    ('PASS at 100', r"prediction 13 is not an object"),
]


@pytest.mark.parametrize('entry,msg', BAD_PREDICTIONS,
                         ids=[m.replace('prediction 13', '')[:32] for _, m in BAD_PREDICTIONS])
def test_malformed_prediction_names_file_and_entry(tmp_path, entry, msg):
    labels, preds = _split(str(tmp_path), extra_preds=[entry])
    with pytest.raises(SpottingEvalError, match=_game_a_preds(preds) + ': ' + msg):
        _eval(labels, preds)


@pytest.mark.parametrize('entry,msg', [
    (dict(label='PASS', position='100'), r"annotation 12: gameTime None is not like"),
    (dict(_ann(1, 100, 'PASS'), gameTime='00:31'), r"annotation 12: gameTime '00:31'"),
    (dict(_ann(1, 100, 'PASS'), position='-5'), r"annotation 12: position '-5' is not a"),
])
def test_malformed_annotation_names_file_and_entry(tmp_path, entry, msg):
    labels, preds = _split(str(tmp_path), extra_anns=[entry])
    path = os.path.join(labels, GAMES[0], LABEL_FILE)
    with pytest.raises(SpottingEvalError, match=path + ': ' + msg):
        _eval(labels, preds)


@pytest.mark.parametrize('damage,msg', [
    (lambda p: truncate(p, 0.5), 'cannot be parsed as JSON'),
    (lambda p: write_json(p, dict(UrlLocal='g', preds=[])), 'expected an object with a '
     '"predictions" list'),
    (lambda p: write_json(p, [1, 2]), 'expected an object with a "predictions" list'),
    (os.remove, 'file is missing'),
])
def test_truncated_or_wrong_file_names_it(tmp_path, damage, msg):
    labels, preds = _split(str(tmp_path))
    damage(_game_a_preds(preds))
    with pytest.raises(SpottingEvalError, match=_game_a_preds(preds) + ': ' + msg):
        _eval(labels, preds)


# ------------------------------------------------------- lenient like the reference

LENIENT = [  # (extra annotations, extra predictions, warning text, strict text)
    ([], [_pred(1, 3000, 'SHOT', 0.9)], r"1 of 14 predictions ignored: label\(s\) not in the "
     r"classes: 'SHOT' \(1\)", 'prediction 13'),
    ([_ann(1, 3000, 'pass'), _ann(2, 4000, 'pass')], [],
     r"2 of 14 annotations ignored: .*'pass' \(2, differs only in case from 'PASS'\)",
     'annotation 12'),
    ([_ann(3, 3000, 'PASS')], [_pred(3, 3000, 'PASS', 0.9)],
     r'1 of 13 annotations ignored: in half 3 \(only 1 and 2 count\)', 'annotation 12'),
    ([dict(_ann(1, 3000, 'DRIVE'), visibility='hidden')], [],
     r"1 of 13 annotations with a visibility other than visible / not shown \('hidden'\)",
     'annotation 12'),
]


@pytest.mark.parametrize('anns,preds_extra,warn,first', LENIENT,
                         ids=['unknown label', 'case only', 'half 3', 'visibility'])
def test_lenient_cases_warn_keep_values_and_fail_strict(tmp_path, anns, preds_extra, warn,
                                                        first):
    clean = _eval(*_split(str(tmp_path / 'clean')))
    labels, preds = _split(str(tmp_path / 'odd'), anns, preds_extra)
    with pytest.warns(SoccerNetDataWarning) as rec:
        res = _eval(labels, preds)
    assert any(re.search(warn, str(w.message)) for w in rec)
    assert all(GAMES[0] in str(w.message) for w in rec)  # each names its file
    if 'visibility' not in warn:  # ignored entries: the clean split's values exactly
        assert res == clean
    with pytest.raises(SpottingEvalError, match=warn + r'.*\(first: ' + first + '; strict'):
        _eval(labels, preds, strict=True)


def test_valid_split_gives_no_warning(tmp_path):
    labels, preds = _split(str(tmp_path))
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        res = _eval(labels, preds)
    assert 0 < res['a_mAP'] <= 1


def test_duplicate_cells_warn(tmp_path):
    dup = [_pred(1, 5000, 'PASS', 0.1), _pred(1, 5000, 'PASS', 0.2)]
    labels, preds = _split(str(tmp_path), extra_preds=dup)
    with pytest.warns(SoccerNetDataWarning, match=r'2 of 15 predictions repeat the \(half, '
                                                  r'frame, label\)'):
        _eval(labels, preds)


def _cli():
    from mmsport.cli import evaluate_spotting
    return evaluate_spotting


def test_cli_warns_errors_and_strict(tmp_path, capsys):
    cli = _cli()
    labels, preds = _split(str(tmp_path), [_ann(1, 3000, 'pass')],
                           [_pred(3, 3000, 'PASS', 0.9)])
    argv = [labels, preds, '--label-file', LABEL_FILE, '--framerate', '25', '--metric',
            'tight']
    assert cli.main(argv) == 0
    cap = capsys.readouterr()
    lab_file = os.path.join(labels, GAMES[0], LABEL_FILE)
    assert f"warning: {lab_file}: 1 of 13 annotations ignored: label(s) not in the " \
           f"classes: 'pass' (1, differs only in case from 'PASS')" in cap.err
    assert f'warning: {_game_a_preds(preds)}: 1 of 14 predictions ignored: in half 3' \
        in cap.err
    res = json.loads(cap.out.strip().splitlines()[-1])  # the last line is valid JSON
    assert math.isfinite(res['a_mAP'])
    assert cli.main(argv + ['--strict']) == 2
    assert f'error: {lab_file}: 1 of 13 annotations ignored' in capsys.readouterr().err
    # a malformed entry: exit code 2, the file and the entry named, no JSON line
    write_json(_game_a_preds(preds), dict(predictions=[dict(_pred(1, 10, 'PASS', 0.5),
                                                            confidence='NaN')]))
    assert cli.main(argv) == 2
    cap = capsys.readouterr()
    assert f"error: {_game_a_preds(preds)}: prediction 0: confidence 'NaN' is not finite" \
        in cap.err and cap.out == ''


# -------------------------------------------------- training / metric-side readers


def test_read_labels_case_mismatch_warns_or_fails(tmp_path):
    path = write_json(str(tmp_path / LABEL_FILE), dict(annotations=[
        _ann(1, 1000, 'PASS'), _ann(1, 2000, 'Pass'), _ann(2, 3000, 'drive')]))
    with pytest.warns(SoccerNetDataWarning, match=path + r": 2 of 3 annotation\(s\) skipped.*"
                      r"'Pass' \(1, differs only in case from 'PASS'\)"):
        labs = read_labels(path, CLASSES, skip_unknown=True)
    assert [a['label'] for a in labs] == ['PASS']
    with pytest.raises(SoccerNetDataError, match=path + r": annotation 1: unknown label "
                       r"'Pass' \(1, differs only in case from 'PASS'\)"):
        read_labels(path, CLASSES)


def test_read_predictions_rejects_non_finite_confidence(tmp_path):
    path = write_json(str(tmp_path / 'results_spotting.json'), dict(predictions=[
        _pred(1, 1000, 'PASS', 0.5), dict(_pred(1, 2000, 'PASS', 0), confidence='inf')]))
    with pytest.raises(SoccerNetDataError, match=path + r": prediction 1: confidence 'inf' "
                                                        'is not finite'):
        read_predictions_json(path, FPS, CLASSES)


# ------------------------------------------------------------------------ raw scores


@pytest.mark.parametrize('damage,msg', [
    (lambda p: truncate(p, 0.6), r'not a readable raw score file, truncated or corrupt\? '
                                 r'\(BadZipFile'),
    (lambda p: save_raw_scores(p, np.full((50, 2), np.nan, np.float32)),
     r'scores\[0, 0\] \(frame 0, class 0\) is nan; 100 non-finite'),
    (lambda p: save_raw_scores(p, np.zeros((50, 2), np.float32), dict(n_frames=60)),
     r'50 timesteps but its meta says n_frames=60'),
    (lambda p: save_raw_scores(p, np.zeros((50, 2), np.float32), dict(classes=['PASS'])),
     r"2 score columns but its meta lists the classes \['PASS'\]"),
    (lambda p: np.savez(p, other=np.zeros(3)), r"not a raw score file: no 'scores' array"),
])
def test_damaged_raw_scores_name_the_file(tmp_path, damage, msg):
    path = raw_scores_path(str(tmp_path), 'g', 1)
    save_raw_scores(path, np.random.default_rng(0).random((50, 2)).astype(np.float32))
    damage(path)
    with pytest.raises(ValueError, match=path + ': ' + msg):
        load_raw_scores(path)


def test_submission_batch_carries_on_past_a_bad_game(tmp_path):
    """tools/ball_action/submission.py over three games, one with a truncated and one with
    a NaN raw score file: the good game is written and zipped, the others fail alone and
    leave no results_spotting.json."""
    import zipfile

    from mmsport.apis.postprocess import spotting_submission as sub
    from mmsport.cli import ball_action_submission as sub_cli
    raw, out = str(tmp_path / 'raw'), str(tmp_path / 'out')
    rng = np.random.default_rng(0)
    games = ('l/s/good', 'l/s/cut', 'l/s/nan')
    for game in games:
        for half in (1, 2):
            s = rng.random((100, 2)).astype(np.float32) * 0.1
            s[40 + half, half - 1] = 0.9
            save_raw_scores(raw_scores_path(raw, game, half), s,
                            dict(classes=list(CLASSES), fps=FPS, n_frames=100))
    truncate(raw_scores_path(raw, 'l/s/cut', 2), 0.5)
    bad = np.zeros((100, 2), np.float32)
    bad[7, 1] = np.inf
    save_raw_scores(raw_scores_path(raw, 'l/s/nan', 1), bad, dict(classes=list(CLASSES)))
    assert sub_cli.main([raw, '--out-dir', out]) == 1
    assert os.path.isfile(os.path.join(out, 'l/s/good', 'results_spotting.json'))
    for game in ('l/s/cut', 'l/s/nan'):
        assert not os.path.exists(os.path.join(out, game))
    with zipfile.ZipFile(os.path.join(out, 'results_spotting.zip')) as z:
        assert z.namelist() == ['l/s/good/results_spotting.json']
    assert not leftovers(out)
    with pytest.raises(ValueError, match=r'nan/1_raw_scores\.npz: scores\[7, 1\] \(frame 7, '
                                         r'class 1\) is inf'):
        sub.mean_scores([raw_scores_path(raw, 'l/s/nan', 1)], None)


def test_checked_columns_equal_the_reference_conversion(tmp_path):
    """The evaluator reads each file once into checked columns; they give exactly the
    events of labels_to_events / predictions_to_events (the reference's operations),
    also for labels without ``position`` (gameTime), integral floats and odd halves."""
    from mmsport.evaluation.functional.spotting import labels_to_events, predictions_to_events
    from mmsport.evaluation.spotting_files import read_events
    anns = [_ann(1, 31480, 'PASS'), dict(gameTime='2 - 01:02', label='DRIVE'),
            dict(_ann(2, 5000, 'DRIVE'), visibility='not shown'), _ann(3, 100, 'PASS'),
            dict(_ann(1, 7000, 'PASS'), position=7000.0), _ann(1, 10, 'SHOT')]
    preds = [_pred(1, 31480, 'PASS', 0.25),
             dict(_pred(2, 123, 'DRIVE', 1), half=2, position=123, confidence=1),
             _pred(0, 50, 'PASS', 0.5), dict(_pred(1, 999, 'DRIVE', 0), confidence=0.0)]
    la = write_json(str(tmp_path / 'l.json'), dict(annotations=anns))
    pr = write_json(str(tmp_path / 'p.json'), dict(predictions=preds))
    for fps in (25.0, 2.0, 29.97):
        with pytest.warns(SoccerNetDataWarning):
            got = read_events(la, 'annotations', CLASSES, fps, first_half=4)
        ref = labels_to_events(anns, CLASSES, fps, first_half=4)
        with pytest.warns(SoccerNetDataWarning):
            got_p = read_events(pr, 'predictions', CLASSES, fps, first_half=4)
        ref_p = predictions_to_events(preds, CLASSES, fps, first_half=4)
        for a, b in ((got, ref), (got_p, ref_p)):
            for x, y in zip(a, b):
                assert x.dtype == y.dtype and np.array_equal(x, y)
