import json
import os

import cv2
import numpy as np
import pytest

from mmsport.fileio.soccernet import (BALL_CLASSES_2023, BALL_CLASSES_2024,
                                      check_labels_against_videos, game_videos,
                                      list_games, read_labels)
from mmsport.cli import make_synthetic_soccer as gen_cli
from mmsport.testing.synthetic import soccer as gen

SECONDS, FPS = 8, 25
ARGS = ['--games', '1', '--seconds-per-half', str(SECONDS), '--width', '160', '--height', '96',
        '--seed', '3']


@pytest.fixture(scope='module')
def soccer_root(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('soccer'))
    gen_cli.main(['--out', root] + ARGS)
    return root


def test_layout_videos_and_labels(soccer_root):
    games = list_games(soccer_root)
    assert len(games) == 1
    league, season, name = games[0].split('/')
    assert (league, season) == ('england_epl', '2022-2023') and ' - ' in name
    gdir = os.path.join(soccer_root, games[0])
    assert sorted(os.listdir(gdir)) == ['1_720p.mkv', '2_720p.mkv', 'Labels-ball.json']
    videos = game_videos(gdir)
    n_frames = {}
    import decord
    for half, path in videos.items():
        vr = decord.VideoReader(path)
        n_frames[half] = len(vr)
        assert len(vr) == FPS * SECONDS
        assert vr.get_avg_fps() == pytest.approx(FPS)
        assert list(vr.get_key_indices()) == list(range(0, FPS * SECONDS, 25))  # -g 25
        assert vr[len(vr) - 1].shape == (96, 160, 3)
        cap = cv2.VideoCapture(path)
        ok, frame = cap.read()
        cap.release()
        assert ok and frame.shape == (96, 160, 3)
        g, b = frame[..., 1].astype(int), frame[..., 0].astype(int)
        assert (g > b + 20).mean() > 0.5  # mostly green pitch

    labels_path = os.path.join(gdir, 'Labels-ball.json')
    data = json.load(open(labels_path))
    assert data['UrlLocal'] == games[0]
    assert set(data) == {'UrlLocal', 'generator_version', 'annotations'}
    assert data['generator_version'] == gen.GENERATOR_VERSION
    anns = data['annotations']
    assert anns, 'expected some events in 2 x 8 s'
    for a in anns:
        assert set(a) == {'gameTime', 'label', 'position', 'team', 'visibility'}
        assert a['label'] in BALL_CLASSES_2023 and a['team'] in ('left', 'right')
        assert isinstance(a['position'], str) and a['position'].isdigit()
        assert a['gameTime'][0] in '12' and a['gameTime'][1:4] == ' - '
    labs = read_labels(labels_path, BALL_CLASSES_2023)
    check_labels_against_videos(labs, n_frames, labels_path)
    # labels land exactly on the simulated event frames
    for half in (1, 2):
        sim = gen.ground_truth(3, 0, half, FPS * SECONDS, FPS)
        assert [(t, lab) for t, lab, _ in sim.events] == \
            [(x['frame'], x['label']) for x in labs if x['half'] == half]


def test_deterministic_and_rerun_skips(soccer_root, tmp_path, capsys):
    other = str(tmp_path / 'again')
    gen_cli.main(['--out', other] + ARGS)
    game = list_games(soccer_root)[0]
    a = open(os.path.join(soccer_root, game, 'Labels-ball.json')).read()
    b = open(os.path.join(other, game, 'Labels-ball.json')).read()
    assert a == b
    capsys.readouterr()
    gen_cli.main(['--out', other] + ARGS)
    out = capsys.readouterr().out
    assert 'exists, skipped' in out and 'older generator' not in out
    assert not [f for f in os.listdir(os.path.join(other, game)) if f.endswith('.tmp')]
    # labels written before the generator's version was recorded: kept, with a note
    path = os.path.join(other, game, 'Labels-ball.json')
    old = json.load(open(path))
    del old['generator_version']
    json.dump(old, open(path, 'w'))
    gen_cli.main(['--out', other] + ARGS)
    out = capsys.readouterr().out
    assert 'exists' in out and 'older generator (version 1, now 2' in out
    assert 'delete the game folder to regenerate' in out
    assert 'generator_version' not in json.load(open(path))  # not rewritten


def _speed(sim):
    """Ball ground speed in m/s leaving each frame (forward difference)."""
    v = np.linalg.norm(np.diff(sim.ball[:, :2], axis=0), axis=1) * sim.fps
    return np.append(v, 0.0)


def test_events_are_visible_in_the_ball_track():
    sim = gen.ground_truth(0, 0, 1, 90 * FPS, FPS)
    speed = _speed(sim)
    frames = {lab: [t for t, x, _ in sim.events if x == lab] for lab in BALL_CLASSES_2023}
    assert len(frames['PASS']) >= 3 and len(frames['DRIVE']) >= 3
    ts = [t for t, _, _ in sim.events]
    assert min(np.diff(ts)) >= FPS  # at least 1 s apart
    quiet = np.ones(len(speed), bool)
    for t in ts:
        quiet[max(0, t - 3):t + 3] = False
    assert speed[frames['PASS']].mean() > 3 * speed[quiet].mean()
    assert speed[frames['PASS']].min() > 10  # the kick: >= 12 m/s
    # a drive: the ball is pushed ahead of the runner again and again
    drive_v = np.array([speed[t:t + 2 * FPS] for t in frames['DRIVE']])
    assert (drive_v > 4).sum(axis=1).min() >= 3
    assert speed[frames['DRIVE']].mean() < speed[frames['PASS']].mean()


def test_a_drive_is_a_receiver_taking_the_pass_on():
    """As in the real labels (95% of DRIVEs follow a PASS, a median 1.44 s after it): each
    DRIVE comes 1-4 s after a PASS, on the first touch after the ball arrives, so the window
    around it shows the pass arriving and the one around a later touch does not."""
    n_drives = 0
    for game in range(3):
        sim = gen.ground_truth(0, game, 1, 90 * FPS, FPS)
        speed = _speed(sim)
        for (t0, lab0, _), (t1, lab1, _) in zip(sim.events[:-1], sim.events[1:]):
            if lab1 != 'DRIVE':
                continue
            n_drives += 1
            assert lab0 == 'PASS' and FPS <= t1 - t0 <= 4 * FPS
            assert speed[t0:t0 + 3].min() > 10  # the pass that is taken on
            # the ball arrived (slowed to a control) within 0.6 s before the first touch
            assert speed[t1 - int(0.6 * FPS):t1].min() < 3
    assert n_drives >= 6


def test_2024_extra_classes_and_one_video(tmp_path):
    labels = {x for half in (1, 2)
              for _, x, _ in gen.ground_truth(1, 0, half, 240 * FPS, FPS, '2024').events}
    assert {'PASS', 'DRIVE', 'HIGH PASS', 'HEADER', 'OUT', 'THROW IN', 'SHOT'} <= labels
    assert labels <= set(BALL_CLASSES_2024)
    root = str(tmp_path / 'one')
    gen_cli.main(['--out', root, '--games', '1', '--seconds-per-half', '4', '--width', '64',
              '--height', '48', '--one-video', '--classes', '2024'])
    gdir = os.path.join(root, list_games(root)[0])
    videos = game_videos(gdir)
    assert list(videos) == [1] and videos[1].endswith('720p.mp4')
    labs = read_labels(os.path.join(gdir, 'Labels-ball.json'), BALL_CLASSES_2024)
    assert labs and all(x['half'] == 1 for x in labs)
    assert max(x['frame'] for x in labs) < 2 * 4 * FPS
