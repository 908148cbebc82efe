"""tools/data/soccer/make_synthetic.py --v2-events: Labels-v2.json and visual signatures."""
import json
import os

import numpy as np
import pytest

from mmsport.fileio.soccernet import (BALL_CLASSES_2023, check_labels_against_videos,
                                      game_time, list_games, read_labels)
from mmsport.evaluation.functional.spotting import V2_CLASSES
from mmsport.testing.soccer import make_tiny_soccer_data
from mmsport.cli import make_synthetic_soccer as gen_cli
from mmsport.testing.synthetic import soccer as gen

SECONDS, FPS, WIDTH, HEIGHT, SEED, N_V2 = 30, 25, 160, 96, 0, 4
N = SECONDS * FPS
ARGS = ['--games', '2', '--seconds-per-half', str(SECONDS), '--width', str(WIDTH),
        '--height', str(HEIGHT), '--seed', str(SEED), '--v2-events', str(N_V2)]


v2, render = gen.v2, gen.render


@pytest.fixture(scope='module')
def v2_root(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('soccer_v2'))
    gen_cli.main(['--out', root] + ARGS)
    return root


def _games(root):
    return [(g, i) for i, g in enumerate(list_games(root, 'Labels-v2.json'))]


def _sims(game):
    return {h: gen.ground_truth(SEED, game, h, N, FPS, '2023', N_V2) for h in (1, 2)}


def test_labels_v2_parse_and_match_the_schedule(v2_root):
    games, kinds = _games(v2_root), set()
    assert len(games) == 2
    for rel, game in games:
        path = os.path.join(v2_root, rel, 'Labels-v2.json')
        data = json.load(open(path))
        assert data['UrlLocal'] == rel and data['gameHomeTeam'] in rel
        for a in data['annotations']:
            assert set(a) == {'gameTime', 'label', 'position', 'team', 'visibility'}
            assert a['team'] in ('home', 'away') and a['visibility'] == 'visible'
            assert a['gameTime'] == game_time(int(a['gameTime'][0]), int(a['position']))
        labs = read_labels(path, V2_CLASSES)
        check_labels_against_videos(labs, {1: N, 2: N}, path)
        sims = _sims(game)
        for half in (1, 2):
            got = [(x['frame'], x['label']) for x in labs if x['half'] == half]
            events = sims[half].scene.events
            assert got == [(ev.key, ev.kind) for ev in events] and len(got) == N_V2
            frames = [f for f, _ in got]
            assert min(np.diff(frames)) >= 6 * FPS  # >= 6 s apart
            assert FPS <= frames[0] and frames[-1] < N - FPS  # inside the half
            for a, b in zip(events, events[1:]):
                assert a.start < a.key < a.end < b.start  # windows never overlap
            kinds |= {lab for _, lab in got}
            for i, (lab, ev) in enumerate(zip(got, events)):
                if lab[1] == 'Kick-off':
                    assert events[i - 1].kind == 'Goal' and ev.team != events[i - 1].team
        # ball labels inside an event window are dropped (the broadcast shows the event)
        ball = read_labels(os.path.join(v2_root, rel, 'Labels-ball.json'), BALL_CLASSES_2023)
        for x in ball:
            assert not sims[x['half']].scene.covers(x['frame'])
    assert kinds == {'Goal', 'Kick-off', 'Corner', 'Throw-in', 'Substitution', 'Yellow card',
                     'Red card'} and kinds <= set(V2_CLASSES)


def _key_frames(v2_root, rel, half, frames):
    import decord
    vr = decord.VideoReader(os.path.join(v2_root, rel, f'{half}_720p.mkv'))
    assert len(vr) == N
    return vr.get_batch(list(frames)).asnumpy()[..., ::-1]  # BGR


def _pixel(scene, t, xyz):
    """Integer pixel of pitch point xyz at frame t (the renderer's camera)."""
    bg, s = render.draw_pitch(WIDTH, (0, 0, 0))
    cams = render.camera_offsets(scene.focus, s, (WIDTH, HEIGHT), bg.shape, scene.cuts)
    u, v = render.to_px((cams[t, 0], cams[t, 1], s), *xyz)
    return int(round(u)), int(round(v)), s


def _patch(img, u, v, r=1):
    assert r <= u < WIDTH - r and r <= v < HEIGHT - r, f'({u}, {v}) out of view'
    return img[v - r:v + r + 1, u - r:u + r + 1].reshape(-1, 3).astype(int)


COLOUR_TESTS = {  # BGR patch -> signature present
    'Yellow card': lambda p: ((p[:, 2] > 170) & (p[:, 1] > 170) & (p[:, 0] < 110)).mean() > .5,
    'Red card': lambda p: ((p[:, 2] > 170) & (p[:, 1] < 90) & (p[:, 0] < 90)).mean() > .5,
    'Substitution': lambda p: ((p[:, 0] > 170) & (p[:, 1] > 170) & (p[:, 2] < 110)).mean() > .5,
    'Throw-in': lambda p: p.min(1).max() > 150,  # the white ball above the thrower's head
    'Goal': lambda p: p.min(1).max() > 150,  # the ball in the (light) net
    'Kick-off': lambda p: p.min(1).max() > 150,  # the ball on the centre spot
    'Corner': lambda p: p.min(1).max() > 150,  # the ball on the corner arc
}


def test_key_frames_show_the_signature(v2_root):
    seen = set()
    for rel, game in _games(v2_root):
        for half, sim in _sims(game).items():
            scene = sim.scene
            events = scene.events
            imgs = _key_frames(v2_root, rel, half, [ev.key for ev in events])
            for ev, img in zip(events, imgs):
                u, v, s = _pixel(scene, ev.key, ev.anchor)
                assert COLOUR_TESTS[ev.kind](_patch(img, u, v)), (rel, half, ev)
                seen.add(ev.kind)
            quiet = [t for t in range(0, N, 50) if not scene.covers(t)]
            cyan = COLOUR_TESTS['Substitution']
            for img in _key_frames(v2_root, rel, half, quiet):  # no board outside the event
                p = img.reshape(-1, 3).astype(int)
                assert ((p[:, 0] > 170) & (p[:, 1] > 170) & (p[:, 2] < 110)).sum() == 0
            assert cyan(np.array([[255, 255, 0]]))
    assert seen == set(COLOUR_TESTS)


def _near_flag(img, scene, t, corner):
    """Orange flag pixels around a corner post."""
    u, v, s = _pixel(scene, t, (*corner, 1.35))
    h = int(s) + 1
    p = img[max(0, v - h):v + h + 1, max(0, u - h):u + h + 1].reshape(-1, 3).astype(int)
    return ((p[:, 2] > 170) & (p[:, 1] > 60) & (p[:, 1] < 180) & (p[:, 0] < 90)).sum()


def test_event_geometry_in_the_simulation(v2_root):
    checked = set()
    for rel, game in _games(v2_root):
        for half, sim in _sims(game).items():
            for ev in sim.scene.events:
                d, gx = v2.attack(sim, ev.team)
                ball, players, k = sim.ball, sim.players, ev.key
                team = players[:, ev.team * 11:ev.team * 11 + 11]
                moved = np.linalg.norm(ball[k + 3, :2] - ball[k, :2]) > 0.5
                if ev.kind == 'Goal':  # over the line between the posts at k, not at k - 1
                    assert d * (ball[k, 0] - gx) > 0 >= d * (ball[k - 1, 0] - gx)
                    assert abs(ball[k, 1] - gen.W / 2) < 3.66
                    last = team[ev.end - 1]
                    gather = (np.linalg.norm(last[:, None] - last[None], axis=-1) < 5).sum(1)
                    assert gather.max() >= 6  # the scorer and team-mates celebrate together
                elif ev.kind == 'Corner':
                    corner = (gx, 0.0 if ball[k, 1] < gen.W / 2 else gen.W)
                    assert np.linalg.norm(ball[k, :2] - corner) < 1.5 and moved
                    assert np.linalg.norm(team[k] - ball[k, :2], axis=1).min() < 1.5
                    img = _key_frames(v2_root, rel, half, [k])[0]
                    assert _near_flag(img, sim.scene, k, corner) >= 2
                elif ev.kind == 'Throw-in':
                    assert ball[k, 2] >= 2.0 and moved
                    edge = np.minimum(np.abs(team[k, :, 1]), np.abs(team[k, :, 1] - gen.W))
                    assert edge.min() < 1.0
                elif ev.kind == 'Kick-off':
                    assert np.allclose(ball[k, :2], (gen.L / 2, gen.W / 2)) and moved
                    own = sim.dirs[:, None] * (players[k - 5:k, :, 0].T - gen.L / 2) <= 0
                    assert own.all()  # everybody in their own half before the kick
                checked.add(ev.kind)
    assert {'Goal', 'Corner', 'Throw-in', 'Kick-off'} <= checked


def test_zero_v2_events_writes_no_labels_v2(tmp_path):
    base = ['--games', '1', '--seconds-per-half', '4', '--width', '64', '--height', '48']
    gen_cli.main(['--out', str(tmp_path / 'a')] + base)
    gen_cli.main(['--out', str(tmp_path / 'b'), '--v2-events', '0'] + base)
    rel = list_games(str(tmp_path / 'a'))[0]
    for x in 'ab':
        assert sorted(os.listdir(tmp_path / x / rel)) == ['1_720p.mkv', '2_720p.mkv',
                                                         'Labels-ball.json']
    assert open(tmp_path / 'a' / rel / 'Labels-ball.json').read() == \
        open(tmp_path / 'b' / rel / 'Labels-ball.json').read()
    assert gen.ground_truth(0, 0, 1, 100, FPS).scene is None


def test_too_short_halves_are_refused(capsys):
    with pytest.raises(SystemExit):
        gen_cli.parse_args(['--seconds-per-half', '20', '--v2-events', '4'])
    assert '--seconds-per-half >=' in capsys.readouterr().err
    with pytest.raises(ValueError, match='need halves'):
        v2.schedule(np.random.default_rng(0), 10 * FPS, FPS, 4)
    for n in range(1, 7):  # the bound always fits, whatever kinds are drawn
        for seed in range(20):
            frames = int(round(v2.min_half_seconds(n, FPS) * FPS))
            v2.schedule(np.random.default_rng(seed), frames, FPS, n)


def test_make_tiny_soccer_data_v2(tmp_path):
    root = make_tiny_soccer_data(str(tmp_path), seconds=16, width=64, height=48, v2_events=2)
    rel = list_games(root, 'Labels-v2.json')[0]
    labs = read_labels(os.path.join(root, rel, 'Labels-v2.json'), V2_CLASSES)
    assert len(labs) == 4 and {x['half'] for x in labs} == {1, 2}
