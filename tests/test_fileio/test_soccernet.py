import json
import os

import pytest

from mmsport.fileio import soccernet as snio
from mmsport.fileio.soccernet import (BALL_CLASSES_2023, BALL_CLASSES_2024,
                                      SoccerNetDataError,
                                      check_labels_against_videos,
                                      frame_to_position_ms, game_videos, list_games,
                                      position_to_frame, read_labels)
from mmsport.fileio.soccernet_predictions import read_predictions_json, write_predictions_json


def _write(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(obj if isinstance(obj, str) else json.dumps(obj))
    return str(path)


def _ann(game_time='1 - 00:31', label='PASS', position='31480', **kw):
    return dict(gameTime=game_time, label=label, position=position, **kw)


def test_classes():
    assert BALL_CLASSES_2023 == ('PASS', 'DRIVE')
    assert len(BALL_CLASSES_2024) == 12 and BALL_CLASSES_2024[:2] == BALL_CLASSES_2023
    assert BALL_CLASSES_2024[-1] == 'GOAL' and 'PLAYER SUCCESSFUL TACKLE' in BALL_CLASSES_2024


def test_read_labels(tmp_path):
    path = _write(str(tmp_path / 'Labels-ball.json'), {'UrlLocal': 'g', 'annotations': [
        _ann(team='left', visibility='visible'),
        _ann('2 - 01:02', 'DRIVE', '62039', visibility='not shown'),
        _ann('1 - 00:00', 'PASS', 0, team='right')]})
    labs = read_labels(path, BALL_CLASSES_2023)
    assert [(x['half'], x['frame'], x['position_ms']) for x in labs] == \
        [(1, 787, 31480), (2, 1550, 62039), (1, 0, 0)]
    assert [x['class_idx'] for x in labs] == [0, 1, 0]
    assert labs[0]['team'] == 'left' and labs[1]['team'] is None
    assert labs[1]['visibility'] == 'not shown' and labs[2]['visibility'] == 'visible'
    # frames follow the reference reader: int(fps * (position / 1000))
    assert read_labels(path, BALL_CLASSES_2023, fps=2.0)[0]['frame'] == 62
    with pytest.warns(snio.SoccerNetDataWarning, match=r"2 of 3 annotation\(s\) skipped"):
        assert read_labels(path, ('DRIVE',), skip_unknown=True)[0]['label'] == 'DRIVE'


@pytest.mark.parametrize('content, needle', [
    (None, 'missing'),
    ('{"annotations": [', 'JSON'),
    ({'annotations': {}}, 'annotations'),
    ({'annotations': [_ann(game_time='00:31')]}, 'gameTime'),
    ({'annotations': [_ann(game_time='3 - 00:31')]}, 'half must be 1 or 2'),
    ({'annotations': [_ann(position='31.5s')]}, 'position'),
    ({'annotations': [_ann(position=-5)]}, 'position'),
    ({'annotations': [_ann(), _ann(label='SHOT')]}, "annotation 1: unknown label 'SHOT'"),
])
def test_bad_labels_name_the_file(tmp_path, content, needle):
    path = str(tmp_path / 'game' / 'Labels-ball.json')
    if content is not None:
        _write(path, content)
    with pytest.raises(SoccerNetDataError) as e:
        read_labels(path, BALL_CLASSES_2023)
    assert path in str(e.value) and needle in str(e.value)
    if 'unknown' in needle:
        assert "['PASS', 'DRIVE']" in str(e.value)


def test_list_games_and_game_videos(tmp_path):
    root = tmp_path / 'sn'
    g1 = root / 'england_epl' / '2022-2023' / '2022-08-03 - A 1 - 0 B'
    g2 = root / 'spain_laliga' / '2021-2022' / '2021-08-06 - C 0 - 0 D'
    for g, names in ((g1, ['1_224p.mkv', '1_720p.mkv', '2_720p.mkv', '2_224p.mkv']),
                     (g2, ['224p.mp4', '720p.mp4'])):
        for n in names + ['Labels-ball.json']:
            _write(str(g / n), '{}')
    _write(str(root / 'england_epl' / 'no_labels' / '1_720p.mkv'), '')
    assert list_games(str(root)) == ['england_epl/2022-2023/2022-08-03 - A 1 - 0 B',
                                     'spain_laliga/2021-2022/2021-08-06 - C 0 - 0 D']
    assert game_videos(str(g1)) == {1: str(g1 / '1_720p.mkv'), 2: str(g1 / '2_720p.mkv')}
    assert game_videos(str(g2)) == {1: str(g2 / '720p.mp4')}  # 2025 one-video form
    os.remove(g1 / '2_720p.mkv')
    os.remove(g1 / '2_224p.mkv')
    with pytest.raises(SoccerNetDataError, match='no video for half 2') as e:
        game_videos(str(g1))
    assert str(g1) in str(e.value)
    with pytest.raises(SoccerNetDataError, match='no video file'):
        game_videos(str(root / 'england_epl'))
    with pytest.raises(SoccerNetDataError, match='not a directory'):
        list_games(str(tmp_path / 'nope'))


def test_check_labels_against_videos(tmp_path):
    path = _write(str(tmp_path / 'Labels-ball.json'), {'annotations': [
        _ann('1 - 00:01', 'PASS', '1000'), _ann('2 - 00:39', 'DRIVE', '39960')]})
    labs = read_labels(path, BALL_CLASSES_2023)
    check_labels_against_videos(labs, {1: 100, 2: 1000}, path)  # frame 999 of 1000: fine
    with pytest.raises(SoccerNetDataError, match='no video') as e:
        check_labels_against_videos(labs, {1: 100}, path)
    assert path in str(e.value)
    with pytest.raises(SoccerNetDataError, match='frame 999 of half 2') as e:
        check_labels_against_videos(labs, {1: 100, 2: 999}, path)
    assert path in str(e.value)


@pytest.mark.parametrize('fps, n', [(25.0, 100001), (2.0, 100001), (29.97, 20001)])
def test_frame_position_round_trip(fps, n):
    for f in range(n):
        pos = frame_to_position_ms(f, fps)
        assert position_to_frame(pos, fps) == f, (f, pos)
        assert int(fps * int(pos) / 1000) == f, (f, pos)
        assert position_to_frame(pos - 1, fps) == f - 1 or f == 0  # smallest such position
    # the naive inverse is off by one somewhere (the reader truncates)
    assert any(position_to_frame(round(f * 1000 / 25), 25) != f for f in range(5000))


def test_game_time():
    assert snio.game_time(1, 31480) == '1 - 00:31'
    assert snio.game_time(2, 61999) == '2 - 01:01'
    assert snio.game_time(1, 2760000) == '1 - 46:00'


def test_predictions_round_trip_and_atomic(tmp_path, monkeypatch):
    path = str(tmp_path / 'out' / 'league' / 'season' / 'g' / 'results_spotting.json')
    preds = [dict(half=1, frame=787, label='PASS', confidence=0.93),
             dict(half=2, frame=845, label='DRIVE', confidence=0.5),
             dict(half=1, position_ms=31480, label='DRIVE', confidence=1e-9)]
    write_predictions_json(path, 'league/season/g', preds)
    data = json.load(open(path))
    assert data['UrlLocal'] == 'league/season/g'
    assert data['predictions'][0] == {'gameTime': '1 - 00:31', 'label': 'PASS',
                                      'position': '31480', 'half': '1', 'confidence': '0.93'}
    assert data['predictions'][1]['position'] == '33801'  # 33800 would read as frame 844
    back = read_predictions_json(path, classes=BALL_CLASSES_2023)
    assert [(p['half'], p['frame'], p['label']) for p in back] == \
        [(1, 787, 'PASS'), (2, 845, 'DRIVE'), (1, 787, 'DRIVE')]
    assert back[0]['confidence'] == pytest.approx(0.93) and back[2]['confidence'] == 0
    assert os.listdir(os.path.dirname(path)) == ['results_spotting.json']
    # a failure mid-write leaves the old file intact and no temp file behind
    before = open(path).read()

    def boom(*args, **kwargs):
        raise OSError('disk full')
    monkeypatch.setattr(snio.json, 'dump', boom)
    with pytest.raises(OSError, match='disk full'):
        write_predictions_json(path, 'g', preds[:1])
    assert open(path).read() == before
    assert os.listdir(os.path.dirname(path)) == ['results_spotting.json']
    with pytest.raises(SoccerNetDataError, match='prediction 0') as e:
        write_predictions_json(path, 'g', [dict(half=1, label='PASS', confidence=0.1)])
    assert path in str(e.value)
    monkeypatch.undo()
    write_predictions_json(path, 'g', [dict(half=1, frame=3, label='SHOT', confidence=1)])
    with pytest.raises(SoccerNetDataError, match="unknown label 'SHOT'") as e:
        read_predictions_json(path, classes=BALL_CLASSES_2023)
    assert path in str(e.value)
