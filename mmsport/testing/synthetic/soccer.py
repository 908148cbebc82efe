"""Generate a synthetic SoccerNet ball-action set in the real layout (docs/formats.md).

    python tools/data/soccer/make_synthetic.py --out data/soccer

writes ``<out>/<league>/<season>/<game>/{1_720p.mkv, 2_720p.mkv, Labels-ball.json}``
(H.264, keyframe every 25 frames; the names keep ``720p`` at any resolution, or carry
:func:`generate`'s ``video_tag``, e.g. ``1_224p.mkv``).
``--one-video`` writes the 2025 form instead: one ``720p.mp4`` of the whole game
(both halves back to back) with every label in half 1.

A camera follows the ball over a striped pitch; two teams of 11 coloured sprites
drift with the play. Events, labelled on the exact frame the ball is struck:
PASS (the ball leaves a player at 12-18 m/s straight to another; 15% go to an
opponent) and DRIVE (the receiver of a pass takes it on in stride, 0.25-0.6 s after it
arrives, running forward pushing the ball ~2 m ahead with 3-5 small touches; labelled at the
first, as in the real labels, where 95% of DRIVEs follow a PASS by a median 1.44 s; a
receiver drives with probability ``DRIVE_AFTER_RECEPTION``). ``--classes 2024`` adds HIGH PASS (lofted,
drawn raised over its shadow), HEADER (half the high passes, at the head
contact), SHOT (from < 30 m, caught by the keeper), OUT (a PASS whose ball
crosses a touchline; OUT on the first frame past it) and THROW IN (from above
the head); the other 2024 classes are not generated. Events are >= 1 s apart.

``--v2-events N`` (0: output unchanged) stages N SoccerNet-v2 events a half
(:mod:`.soccer_v2_events`) in ``Labels-v2.json``; the broadcast cuts to each for a few s,
dropping ball labels there.

Deterministic for a ``--seed`` (one RNG per (seed, game, half)); videos and labels go to a
temp name then are renamed (labels last); a game whose Labels-ball.json exists is skipped.
The command line is :mod:`mmsport.cli.make_synthetic_soccer`; in Python, :func:`generate`.
"""
import datetime
import json
import os

import numpy as np

from mmsport.fileio import soccernet as snio

from . import soccer_render as render
from . import soccer_v2_events as v2

L, W, G = render.L, render.W, 9.81
SALT, V2_SALT = 0x50CCE2, 0x5C2
DRIVE_AFTER_RECEPTION = 0.6  # chance that the receiver of a ground pass drives on
# Written into each generated Labels-ball.json; 2: DRIVE is a receiver driving on (before:
# a dribble after a long hold, whose first touch looked like the next ones)
GENERATOR_VERSION = 2
FORMATION = np.array([[.03, .5], [.2, .15], [.2, .38], [.2, .62], [.2, .85], [.42, .12],
                      [.42, .38], [.42, .62], [.42, .88], [.62, .35], [.62, .65]])
LEAGUES = [('england_epl', '2022-2023'), ('spain_laliga', '2021-2022')]
TEAMS = ['Northfield', 'Riverside', 'Harbour City', 'Old Town', 'Westbrook', 'Kingsport',
         'Lakeside', 'Eastgate']
KITS, GK_KITS, GRASS = render.KITS, render.GK_KITS, render.GRASS


class HalfSim:
    """Simulates one half in pitch metres: ``ball`` (N, 3) x, y, height;
    ``players`` (N, 22, 2); ``events`` list of (frame, label, team 0/1).

    Team 0 (players 0-10) attacks +x in half 1 and -x in half 2.
    """

    def __init__(self, rng, n_frames, fps, half=1, extra=False):
        self.rng, self.n, self.fps, self.extra = rng, n_frames, fps, extra
        self.dirs = np.repeat([1.0, -1.0], 11) * (1 if half == 1 else -1)
        f = np.tile(FORMATION, (2, 1))
        self.home = np.stack([np.where(self.dirs > 0, f[:, 0], 1 - f[:, 0]) * L,
                              f[:, 1] * W], 1)
        self.scale = np.where(np.arange(22) % 11 == 0, 0.08, 1.0)[:, None]
        self.P = self.home + rng.normal(0, 1, (22, 2))
        self.wander = np.zeros((22, 2))
        self.ball = np.zeros((n_frames, 3))
        self.players = np.zeros((n_frames, 22, 2))
        self.events, self.t, self.scene = [], 0, None

    def side(self, team):
        return 'left' if self.dirs[team * 11] > 0 else 'right'

    def _feet(self, i):
        return self.P[i] + (0.7 * self.dirs[i], 0.3)

    def run(self, k, ball_fn, over=None):
        """Advance k frames; ``over`` = {player: (target, speed)}; ball_fn(i) -> xyz."""
        rng, fps = self.rng, self.fps
        for i in range(k):
            if self.t >= self.n:
                return
            redo = rng.random(22) < 1 / (3 * fps)
            self.wander[redo] = rng.uniform(-5, 5, (int(redo.sum()), 2))
            b = self.ball[self.t - 1, :2] if self.t else self.P[1]
            shift = np.array([0.45 * (b[0] - L / 2), 0.25 * (b[1] - W / 2)])
            tgt = np.clip(self.home + shift * self.scale + self.wander, 1, (L - 1, W - 1))
            speed = np.full(22, 3.0)
            for j, (tg, sp) in (over or {}).items():
                tgt[j], speed[j] = tg, sp
            d = tgt - self.P
            dist = np.linalg.norm(d, axis=1, keepdims=True)
            self.P += d / np.maximum(dist, 1e-6) * np.minimum(dist, speed[:, None] / fps)
            self.players[self.t], self.ball[self.t] = self.P, ball_fn(i)
            self.t += 1

    def mark(self, label, player):
        if self.t < self.n:
            self.events.append((self.t, label, player // 11))

    def hold(self, h, k):
        goal = np.clip(self.P[h] + (3 * self.dirs[h], 0), 2, (L - 2, W - 2))
        self.run(k, lambda i: (*self._feet(h), 0.0), {h: (goal, 1.2)})

    def fly(self, p0, p1, T, z=(0.0, 0.0, 0.0), runner=None, spot=None, ease=False):
        """Ball from p0 (frame 0: the contact) to p1 (frame T); ``runner`` runs to ``spot``."""
        p0, p1, T = np.array(p0, float), np.array(p1, float), max(2, int(T))
        over = {}
        if runner is not None:
            sp = min(8.0, np.linalg.norm(spot - self.P[runner]) * self.fps / T + 0.5)
            over[runner] = (spot, sp)

        def ball(i):
            u = i / T
            s = 1 - (1 - u) ** 2 if ease else u
            return (*(p0 + (p1 - p0) * s), z[0] + (z[1] - z[0]) * u + 4 * z[2] * u * (1 - u))
        self.run(T, ball, over)

    def pick(self, h, dmin, dmax, mates=True):
        team = h // 11 if mates else 1 - h // 11
        cand = [j for j in range(team * 11 + 1, team * 11 + 11) if j != h]
        d = np.linalg.norm(self.P[cand] - self.P[h], axis=1)
        ok = [c for c, x in zip(cand, d) if dmin <= x <= dmax]
        if ok:
            return int(self.rng.choice(ok))
        return cand[int(np.argmin(np.abs(d - (dmin + dmax) / 2)))]

    def ground_pass(self, h):
        rng = self.rng
        r = self.pick(h, 8, 32, mates=rng.random() > 0.15)
        p0, spot = self.ball[self.t - 1, :2].copy(), self.P[r] + rng.normal(0, 0.8, 2)
        p1 = spot + (0.7 * self.dirs[r], 0.3)
        self.mark('PASS', h)
        self.fly(p0, p1, np.linalg.norm(p1 - p0) / rng.uniform(12, 18) * self.fps, runner=r,
                 spot=spot)
        return r

    def drive(self, h):
        rng, d = self.rng, self.dirs[h]
        self.mark('DRIVE', h)
        for _ in range(int(rng.integers(3, 6))):
            p0 = self.ball[self.t - 1, :2].copy()
            a, step = rng.uniform(-0.45, 0.45), rng.uniform(1.5, 2.2)
            p1 = np.clip(p0 + step * np.array([d * np.cos(a), np.sin(a)]), 2, (L - 2, W - 2))
            spot = p1 - (0.7 * d, 0.3)
            self.fly(p0, p1, 0.45 * self.fps, runner=h, spot=spot, ease=True)
        return h

    def high_pass(self, h):
        rng, fps = self.rng, self.fps
        r = self.pick(h, 25, 40)
        header = rng.random() < 0.5
        p0, spot = self.ball[self.t - 1, :2].copy(), self.P[r] + rng.normal(0, 1.0, 2)
        p1 = spot if header else spot + (0.7 * self.dirs[r], 0.3)
        T = max(1.15, np.linalg.norm(p1 - p0) / rng.uniform(18, 24))
        self.mark('HIGH PASS', h)
        self.fly(p0, p1, T * fps, z=(0.0, 1.9 if header else 0.0, G * T * T / 8), runner=r,
                 spot=spot)
        if not header:
            return r
        r2 = self.pick(r, 6, 15)
        spot2 = self.P[r2].copy()
        self.mark('HEADER', r)
        self.fly(p1, spot2 + (0.7 * self.dirs[r2], 0.3), rng.uniform(0.8, 1.2) * fps,
                 z=(1.9, 0.0, 0.6), runner=r2, spot=spot2)
        return r2

    def shot(self, h):
        rng, d = self.rng, self.dirs[h]
        k = 11 if h < 11 else 0
        p0 = self.ball[self.t - 1, :2].copy()
        p1 = np.array([L - 0.8 if d > 0 else 0.8, W / 2 + rng.uniform(-2.8, 2.8)])
        self.mark('SHOT', h)
        self.fly(p0, p1, np.linalg.norm(p1 - p0) / rng.uniform(22, 28) * self.fps,
                 z=(0.0, 0.8, 0.5), runner=k, spot=p1 - (0.7 * self.dirs[k], 0.3))
        return k

    def out_and_throw_in(self, h):
        rng, fps = self.rng, self.fps
        p0 = self.ball[self.t - 1, :2].copy()
        line, sgn = (0.0, -1.0) if p0[1] < W / 2 else (W, 1.0)
        p1 = np.array([np.clip(p0[0] + self.dirs[h] * rng.uniform(4, 14), 3, L - 3),
                       line + 2 * sgn])
        t0, frac = self.t, abs(line - p0[1]) / abs(p1[1] - p0[1])
        self.mark('PASS', h)
        self.fly(p0, p1, rng.uniform(1.1, 1.6) * fps / frac)
        crossed = [t for t in range(t0, self.t) if not 0 <= self.ball[t, 1] <= W]
        if crossed:
            self.events.append((crossed[0], 'OUT', h // 11))
        opp = range(12, 22) if h < 11 else range(1, 11)
        thr = min(opp, key=lambda j: np.linalg.norm(self.P[j] - p1))
        spot = np.array([p1[0], line + 0.5 * sgn])
        for i in range(int(8 * fps)):
            self.run(1, lambda i: (*p1, 0.0), {thr: (spot, 6.0)})
            if i >= 1.2 * fps and np.linalg.norm(self.P[thr] - spot) < 0.3:
                break
        self.run(int(0.5 * fps), lambda i: (*self.P[thr], 2.2), {thr: (spot, 1.0)})
        r = self.pick(thr, 8, 20)
        spot2 = self.P[r].copy()
        self.mark('THROW IN', thr)
        self.fly(self.P[thr], spot2 + (0.7 * self.dirs[r], 0.3), rng.uniform(0.9, 1.3) * fps,
                 z=(2.2, 0.0, 1.2), runner=r, spot=spot2)
        return r

    def simulate(self):
        rng, fps = self.rng, self.fps
        h = int(rng.integers(1, 11)) + 11 * int(rng.integers(0, 2))
        received_at = None  # frame of the last pass played to h (a receiver may drive on)
        while self.t < self.n - 1:
            if received_at is not None and rng.random() < DRIVE_AFTER_RECEPTION:
                # control, then the drive; its first touch >= 1 s after the pass (events
                # stay >= 1 s apart)
                control = max(rng.uniform(0.25, 0.6) * fps, received_at + fps - self.t)
                self.hold(h, int(np.ceil(control)))
                received_at = None
                if self.t < self.n - 1:
                    h = self.drive(h)
                continue
            self.hold(h, int(rng.uniform(1.5, 6.0) * fps))
            if self.t >= self.n - 1:
                break
            goal_x = L if self.dirs[h] > 0 else 0.0
            r, kicked_at = rng.random(), self.t
            received_at = None
            if self.extra and abs(goal_x - self.P[h, 0]) < 30 and r < 0.6:
                h = self.shot(h)
            elif r < (0.5 if self.extra else 1.0):
                h, received_at = self.ground_pass(h), kicked_at
            elif r < 0.78:
                h = self.high_pass(h)
            else:
                h = self.out_and_throw_in(h)
        self.events.sort()
        return self


def ground_truth(seed, game, half, n_frames, fps=25.0, classes='2023', v2_events=0):
    """The simulated half rendered for (seed, game, half); ``sim.scene`` stages
    ``v2_events`` v2 events (own RNG: the play outside their windows is unchanged)."""
    rng = np.random.default_rng([seed, SALT, game, half])
    sim = HalfSim(rng, n_frames, fps, half, extra=str(classes) == '2024').simulate()
    if v2_events:
        rng = np.random.default_rng([seed, SALT, game, half, V2_SALT])
        sim.scene = v2.Scene(sim, v2.schedule(rng, n_frames, fps, v2_events), rng)
    return sim


def game_meta(seed, game):
    """(relative game path, kits (2 + 2 goalkeepers), grass colour) of game index ``game``."""
    rng = np.random.default_rng([seed, SALT, game, 0])
    league, season = LEAGUES[game % len(LEAGUES)]
    date = datetime.date(int(season[:4]), 8, 1) + datetime.timedelta(
        days=3 * game + int(rng.integers(0, 3)))
    home, away = rng.choice(len(TEAMS), 2, replace=False)
    score = rng.integers(0, 4, 2)
    name = f'{date} - {TEAMS[home]} {score[0]} - {score[1]} {TEAMS[away]}'
    kits = [KITS[i] for i in rng.choice(len(KITS), 2, replace=False)] + GK_KITS
    return f'{league}/{season}/{name}', kits, GRASS[int(rng.integers(len(GRASS)))]


def annotation(half, t, label, team, fps):
    """One label-file entry for frame ``t`` of ``half``."""
    pos = snio.frame_to_position_ms(t, fps)
    return {'gameTime': snio.game_time(half, pos), 'label': label, 'position': str(pos),
            'team': team, 'visibility': 'visible'}


def write_json(path, obj):
    """Write ``obj`` atomically (temp name, then ``os.replace``)."""
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(obj, f, indent=4)
    os.replace(tmp, path)


def generator_version(labels_path: str) -> int:
    """The ``generator_version`` a generated ``Labels-ball.json`` was written with (1 for
    files written before the field existed, or unreadable)."""
    try:
        with open(labels_path) as f:
            return int(json.load(f).get('generator_version', 1))
    except (OSError, ValueError, TypeError, AttributeError):
        return 1


def make_game(out, game, done, total, *, seed=0, seconds_per_half=60.0, fps=25.0,
              width=320, height=184, classes='2023', one_video=False, v2_events=0,
              verify=True, video_tag='720p'):
    """Render one game (skipped when its Labels-ball.json exists); returns its rel path.

    ``done`` / ``total``: its place in the progress lines; the other arguments are those
    of :func:`generate`.
    """
    v2_per_video = v2_events * (2 if one_video else 1)
    rel, kits, grass = game_meta(seed, game)
    gdir = os.path.join(out, rel)
    labels_path, v2_path = (os.path.join(gdir, f) for f in ('Labels-ball.json', 'Labels-v2.json'))
    if os.path.exists(labels_path):
        stale = ' without Labels-v2.json (delete it to regenerate)' if v2_events and \
            not os.path.exists(v2_path) else ''
        if generator_version(labels_path) != GENERATOR_VERSION:
            stale += (f'; made by an older generator (version '
                      f'{generator_version(labels_path)}, now {GENERATOR_VERSION}: other '
                      'events), delete the game folder to regenerate')
        print(f'[{done}/{total}] {rel}: exists{stale}, skipped', flush=True)
        return rel
    os.makedirs(gdir, exist_ok=True)
    n = int(round(seconds_per_half * fps))
    halves = [(1, 2 * n, f'{video_tag}.mp4')] if one_video else \
        [(1, n, f'1_{video_tag}.mkv'), (2, n, f'2_{video_tag}.mkv')]
    anns, v2_anns = [], []
    for half, frames, name in halves:
        sim = ground_truth(seed, game, half, frames, fps, classes, v2_per_video)
        path = os.path.join(gdir, name)
        if not os.path.exists(path):
            render.render_half(sim, path, width, height, kits, grass, fps)
        if verify:
            render.verify_video(path, frames)
        anns += [annotation(half, t, lab, sim.side(team), fps) for t, lab, team in sim.events]
        v2_anns += [annotation(half, e.key, e.kind, ('home', 'away')[e.team], fps)
                    for e in (sim.scene.events if sim.scene else [])]
        more = f', {len(sim.scene.events)} v2 events' if sim.scene else ''
        print(f'[{done}/{total}] {rel}: {name} {frames} frames, {len(sim.events)} events{more}',
              flush=True)
    if v2_events:
        write_json(v2_path, {**v2.labels_header(rel), 'annotations': v2_anns})
    write_json(labels_path, {'UrlLocal': rel, 'generator_version': GENERATOR_VERSION,
                             'annotations': anns})
    return rel


def generate(out: str = 'data/soccer', *, games: int = 4, seconds_per_half: float = 60.0,
             width: int = 320, height: int = 184, fps: float = 25.0, seed: int = 0,
             classes: str = '2023', one_video: bool = False, verify: bool = True,
             v2_events: int = 0, video_tag: str = '720p') -> int:
    """Generate ``games`` games under ``out`` (module docstring); returns 0.

    Args:
        seconds_per_half: length of a half (a ``one_video`` game is two halves long).
        width, height: frame size, even and >= 32.
        fps: frame rate.
        seed: the set is deterministic for a seed.
        classes: '2023' (PASS, DRIVE) or '2024' (more classes).
        one_video: the 2025 form, one ``720p.mp4`` per game with labels in half 1.
        verify: re-open each video with decord/cv2.
        v2_events: SoccerNet-v2 events per half (``Labels-v2.json``); halves must be long
            enough (:func:`min_seconds_per_half`).
        video_tag: the resolution part of the video names (``1_<tag>.mkv``): ``'720p'``
            (1280x720 in the real set), or ``'224p'`` for SoccerNet's 398x224 copies.

    Raises:
        ValueError: a size that is odd or below 32, or halves too short for ``v2_events``.
    """
    if width % 2 or height % 2 or width < 32 or height < 32:
        raise ValueError(f'width/height must be even and >= 32, got {width}x{height}')
    need = min_seconds_per_half(v2_events, fps, one_video)
    if v2_events < 0 or v2_events and seconds_per_half < need:
        raise ValueError(f'{v2_events} v2 events need seconds_per_half >= {need:.1f}')
    done = [make_game(out, g, g + 1, games, seed=seed, seconds_per_half=seconds_per_half,
                      fps=fps, width=width, height=height, classes=classes,
                      one_video=one_video, v2_events=v2_events, verify=verify,
                      video_tag=video_tag)
            for g in range(games)]
    print(f'synthetic SoccerNet ball-action data ({len(done)} games, classes {classes}) '
          f'ready under {out}')
    return 0


def min_seconds_per_half(v2_events: int, fps: float = 25.0, one_video: bool = False) -> float:
    """The shortest ``seconds_per_half`` that holds ``v2_events`` staged v2 events a half."""
    v2_per_video = v2_events * (2 if one_video else 1)
    return v2.min_half_seconds(v2_per_video, fps) / (2 if one_video else 1)
