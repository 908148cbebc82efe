"""tools/transformer_spotting/respot.py: raw scores -> (soft-)NMS -> results_spotting.json -> mAP."""
import argparse
import json
import os
import shutil

import numpy as np
import pytest

from mmsport.apis.postprocess import respot as respot_lib
from mmsport.apis.spotting import raw_scores_path, save_raw_scores
from mmsport.cli import transformer_spotting_respot as respot
from mmsport.fileio.soccernet_predictions import read_predictions_json
from mmsport.evaluation import spotting_files as eval_tool

CLASSES = ('Goal', 'Corner', 'Foul')
FPS = 2.0
T = 240  # timesteps per half (2 minutes at 2 fps)
GT = {  # game -> [(half, timestep, class)]
    'league/2020/game_a': [(1, 20, 0), (1, 100, 1), (2, 50, 2), (2, 200, 0)],
    'league/2020/game_b': [(1, 0, 2), (2, 239, 1), (2, 120, 0), (1, 130, 1)],
}


def _scores(marks, half, rng):
    s = rng.random((T, len(CLASSES))).astype(np.float32) * 0.05
    t = np.arange(T)
    for h, f, c in marks:
        if h == half:  # a bump peaking on the GT timestep
            s[:, c] = np.maximum(s[:, c], 0.9 * np.exp(-0.5 * ((t - f) / 2.0) ** 2))
    return s


def _ms(f):
    return int(f * 1000 / FPS)


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp('respot')
    raw, labels = str(root / 'raw'), str(root / 'labels')
    rng = np.random.default_rng(0)
    for game, marks in GT.items():
        for half in (1, 2):
            s = _scores(marks, half, rng)
            save_raw_scores(raw_scores_path(raw, game, half), s,
                            dict(game=game, half=half, fps=FPS, n_frames=T,
                                 classes=list(CLASSES)))
        anns = [dict(gameTime=f'{h} - {_ms(f) // 60000:02d}:{_ms(f) // 1000 % 60:02d}',
                     label=CLASSES[c], position=str(_ms(f)), visibility='visible')
                for h, f, c in marks]
        os.makedirs(os.path.join(labels, game))
        with open(os.path.join(labels, game, 'Labels-v2.json'), 'w') as f:
            json.dump(dict(UrlLocal=game, annotations=anns), f)
    return raw, labels


def _last_json(capsys):
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


@pytest.mark.parametrize('method', ['soft_nms', 'nms', 'peaks'])
def test_end_to_end_with_evaluation(data, tmp_path, capsys, method):
    raw, labels = data
    out = str(tmp_path / 'out')
    argv = [raw, '--out-dir', out, '--method', method, '--labels-root', labels,
            '--label-file', 'Labels-v2.json', '--metric', 'tight']
    assert respot.main(argv) == 0
    res = _last_json(capsys)
    assert res['metric'] == 'tight' and res['classes'] == list(CLASSES) and res['fps'] == FPS
    assert res['games'] == res['evaluated_games'] == 2 and res['failed'] == 0
    assert res['a_mAP'] == pytest.approx(1.0)  # every GT is the top peak of its class
    # same value as tools/evaluate_spotting.py on the written folder
    ref = eval_tool.evaluate_folder(labels, out, 'Labels-v2.json', CLASSES, FPS, 'tight')
    assert res['a_mAP'] == ref['a_mAP'] and res['a_mAP_per_class'] == ref['a_mAP_per_class']
    for game, marks in GT.items():
        path = os.path.join(out, game, 'results_spotting.json')
        with open(path) as f:
            data_json = json.load(f)
        assert data_json['UrlLocal'] == game
        p0 = data_json['predictions'][0]
        assert set(p0) == {'gameTime', 'label', 'position', 'half', 'confidence'}
        assert isinstance(p0['position'], str) and p0['gameTime'][0] == p0['half']
        preds = read_predictions_json(path, FPS, CLASSES)
        for h, f, c in marks:  # the GT timestep is spotted, with the top score
            top = max((p for p in preds if p['half'] == h and p['label'] == CLASSES[c]),
                      key=lambda p: p['confidence'])
            assert abs(top['frame'] - f) <= 1


def test_soft_nms_settings_reach_the_output(data, tmp_path, capsys):
    raw, _ = data
    counts = {}
    for method, extra in (('soft_nms', []), ('soft_nms', ['--threshold', '0.5']),
                          ('nms', ['--window', '40']), ('soft_nms', ['--max-per-class', '2'])):
        out = str(tmp_path / f'{method}{len(extra)}{"".join(extra)}')
        assert respot.main([raw, '--out-dir', out, '--method', method] + extra) == 0
        res = _last_json(capsys)
        assert 'a_mAP' not in res and res['games'] == 2
        counts[(method, *extra)] = res['spots']
    assert counts[('soft_nms', '--threshold', '0.5')] == 8  # the GT peaks only
    assert counts[('soft_nms', '--max-per-class', '2')] == 2 * 2 * 2 * 3
    assert counts[('soft_nms',)] > counts[('nms', '--window', '40')] > 8


def test_bad_raw_files_fail_their_game_only(data, tmp_path, capsys):
    raw, labels = data
    bad = tmp_path / 'raw_bad'
    shutil.copytree(raw, bad)
    s = np.zeros((T, 3), np.float32)
    short = raw_scores_path(str(bad), 'league/2020/game_c', 1)
    save_raw_scores(short, s, dict(fps=FPS, n_frames=T + 5, classes=list(CLASSES)))
    save_raw_scores(raw_scores_path(str(bad), 'league/2020/game_c', 2), s,
                    dict(fps=FPS, n_frames=T, classes=list(CLASSES)))
    save_raw_scores(raw_scores_path(str(bad), 'league/2020/game_d', 1), s,
                    dict(fps=FPS, n_frames=T, classes=list(CLASSES)))  # no half 2
    out = str(tmp_path / 'out')
    assert respot.main([str(bad), '--out-dir', out, '--labels-root', labels]) == 1
    res = _last_json(capsys)
    assert res['games'] == 2 and res['failed'] == 2 and res['a_mAP'] == pytest.approx(1.0)
    for game in GT:
        assert os.path.isfile(os.path.join(out, game, 'results_spotting.json'))
    for game in ('game_c', 'game_d'):
        assert not os.path.exists(os.path.join(out, 'league/2020', game))
    # the errors name the file
    with pytest.raises(ValueError, match=f'{short}: {T} timesteps but .*n_frames={T + 5}'):
        respot_lib.process_game('league/2020/game_c', raw_dir=str(bad), out_dir=out)
    missing = raw_scores_path(str(bad), 'league/2020/game_d', 2)
    with pytest.raises(FileNotFoundError, match=f'{missing}: raw scores of half 2'):
        respot_lib.process_game('league/2020/game_d', raw_dir=str(bad), out_dir=out)
    with pytest.raises(ValueError, match='3 score columns but 2 classes'):
        respot_lib.process_game('league/2020/game_a', raw_dir=str(bad), out_dir=out,
                                classes=['A', 'B'])
    # a labelled game without raw scores is a failure; the others are still written
    shutil.rmtree(bad / 'league/2020/game_b')
    assert respot.main([str(bad), '--out-dir', str(tmp_path / 'o2'),
                        '--labels-root', labels]) == 1
    res = _last_json(capsys)
    assert res['evaluated_games'] == 1 and res['failed'] == 3
    # ... unless --games names the split that was scored
    assert respot.main([str(raw), '--out-dir', str(tmp_path / 'o3'), '--labels-root', labels,
                        '--games', 'league/2020/game_a']) == 0
    res = _last_json(capsys)
    assert res['evaluated_games'] == 1 and res['failed'] == 0
    assert respot.main([str(tmp_path / 'nothing'), '--out-dir', out]) == 1


def test_cli_overrides_meta(data, tmp_path, capsys):
    raw, _ = data
    out = str(tmp_path / 'o')
    assert respot.main([raw, '--out-dir', out, '--fps', '1', '--classes', 'X', 'Y', 'Z']) == 0
    preds = read_predictions_json(os.path.join(out, 'league/2020/game_a',
                                               'results_spotting.json'), 1.0, ('X', 'Y', 'Z'))
    top = max((p for p in preds if p['half'] == 1 and p['label'] == 'X'),
              key=lambda p: p['confidence'])
    assert top['frame'] == 20 and top['position_ms'] == 20000  # timestep 20 at 1 fps
    assert isinstance(respot.parse_args([raw, '--out-dir', out]), argparse.Namespace)


def test_method_codec_keeps_codec_defaults_and_rejects_foreign_settings(data, tmp_path, capsys):
    """--method names a spotting codec; unset options keep its defaults, an option of the
    other method is an error before any game is written."""
    from mmsport.models.task_modules import NMSSpottingCodec, PeakSpottingCodec
    codec = respot_lib.method_codec('nms', window=40.0, threshold=None)
    assert isinstance(codec, NMSSpottingCodec)
    assert (codec.mode, codec.window, codec.threshold) == ('hard', 40.0, 0.001)
    codec = respot_lib.method_codec('peaks', height=0.4)
    assert isinstance(codec, PeakSpottingCodec) and (codec.sigma, codec.height) == (3.0, 0.4)
    with pytest.raises(ValueError, match=r"\['sigma'\] do not apply to method 'soft_nms'"):
        respot_lib.method_codec('soft_nms', sigma=2.0)
    raw, _ = data
    out = tmp_path / 'out'
    assert respot.main([raw, '--out-dir', str(out), '--method', 'peaks', '--window', '9']) == 1
    assert not out.exists()
