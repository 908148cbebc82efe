"""The scripted scenes of the synthetic SoccerNet-v2 events (used by soccer_v2_events.py).

numpy only. One script per event kind (:data:`SCRIPTS`): ``script(ev, sim, rng)`` builds
a :class:`Clip` - the ball, the 22 players, extra figures (official, substitute) and
held-up items (cards, the substitution board) over the event window - and sets
``ev.anchor``, the pitch point where the event's signature shows at the key frame. The
small track helpers they share (:func:`keyed`, :func:`approach`, :func:`on_pitch`,
:func:`attack`) live here too. Positions are pitch metres as in soccer.HalfSim.
"""
import numpy as np

from . import soccer_render as render

L, W = render.L, render.W
REF_KIT = (120, 120, 0)  # BGR (teal referee and fourth official)
CARD_M, BOARD_M = (1.0, 1.4), (2.4, 1.4)  # width, height in metres (drawn large)


def keyed(n, frames, points):
    """(n, D) track through ``points`` at (float) ``frames``, held before and after."""
    pts = np.asarray(points, float).reshape(len(frames), -1)
    t = np.arange(n)
    return np.stack([np.interp(t, frames, pts[:, k]) for k in range(pts.shape[1])], 1)


def approach(p0, target, speed, n, fps, t0=0):
    """(n, k, 2): from ``p0`` (k, 2) straight to ``target`` at ``speed`` m/s from frame t0."""
    p0, target = np.atleast_2d(p0).astype(float), np.atleast_2d(target)
    d = target - p0
    dist = np.linalg.norm(d, axis=-1, keepdims=True)
    run = np.clip(np.arange(n) - t0, 0, None)[:, None, None] * speed / fps
    return p0[None] + d[None] * np.minimum(run, dist[None]) / np.maximum(dist[None], 1e-6)


def on_pitch(p, pad=1.0):
    """Clip pitch points to ``pad`` metres inside the lines."""
    return np.clip(p, pad, (L - pad, W - pad))


def attack(sim, team):
    """(direction +-1, x of the goal line) that ``team`` attacks."""
    d = sim.dirs[team * 11]
    return d, (L if d > 0 else 0.0)


class Clip:
    """The scripted scene of one event window (frame 0 = window start, ``k`` = key)."""

    def __init__(self, ev, sim, rng, centre, spread=0.55):
        self.n, self.k, self.fps, self.rng = ev.end - ev.start, ev.key - ev.start, sim.fps, rng
        P = sim.players[ev.start]
        base = on_pitch(np.asarray(centre) + (P - P.mean(0)) * spread)
        base[[0, 11]] = sim.home[[0, 11]]  # keepers at home
        self.players = self.wobble(base, 0.5)
        self.ball = np.zeros((self.n, 3))
        self.focus = self.ref = None
        self.figures = []  # (track (n, 2), BGR colour or team 0/1)
        self.items = []  # (holder track, lift (n,) metres, first frame shown, (kind, arg))

    def sec(self, x):
        """Seconds to frames."""
        return int(round(x * self.fps))

    def wobble(self, base, amp):
        """(n, k, 2): ``base`` positions swaying gently (people never stand still)."""
        rng, k = self.rng, len(base)
        phase, freq = rng.uniform(0, 2 * np.pi, (k, 2)), rng.uniform(0.15, 0.4, (k, 1))
        t = np.arange(self.n)[:, None, None] / self.fps
        return base[None] + amp * (np.sin(2 * np.pi * freq[None] * t + phase[None])
                                   - np.sin(phase[None]))

    def go(self, js, target, speed, t0):
        """Players ``js`` leave their frame-``t0`` spots for ``target`` at ``speed`` m/s."""
        p0 = self.players[t0, js]
        self.players[t0:, js] = approach(p0, target, speed, self.n, self.fps, t0)[t0:]

    def fly(self, t0, frames, p0, p1, z=(0.0, 0.0, 0.0)):
        """Ball from p0 (frame t0) to p1 (t0 + frames, float), then resting; z=(z0, z1, peak)."""
        u = np.clip((np.arange(t0, self.n) - t0) / frames, 0, 1)[:, None]
        self.ball[t0:, :2] = np.asarray(p0) + (np.asarray(p1) - p0) * u
        self.ball[t0:, 2] = z[0] + (z[1] - z[0]) * u[:, 0] + 4 * z[2] * u[:, 0] * (1 - u[:, 0])

    def nearest(self, p, among, t=0):
        """The player of ``among`` nearest to ``p`` at frame ``t``."""
        return min(among, key=lambda j: np.linalg.norm(self.players[t, j] - p))


def goal(ev, sim, rng):
    """A shot into the net (key: first frame over the line), then a team celebration."""
    d, gx = attack(sim, ev.team)
    c = Clip(ev, sim, rng, (gx - d * 14, W / 2), spread=0.4)
    i = ev.team * 11 + int(rng.integers(6, 11))
    spot = np.array([gx - d * rng.uniform(11, 18), W / 2 + rng.uniform(-7, 7)])
    p_kick, p_end = spot + (0.8 * d, 0), np.array([gx + d * 1.7, W / 2 + rng.uniform(-2.6, 2.6)])
    m = max(2, int(round(np.linalg.norm(p_end - p_kick) / 22 * c.fps)))
    fk = c.k - m  # the kick, m frames before the key frame
    c.players[:, i] = keyed(c.n, [0, fk], [spot - (3 * d, 0), spot])  # dribbles in
    c.ball[:, :2] = c.players[:, i] + (0.8 * d, 0)
    over = (gx - p_kick[0]) / (p_end[0] - p_kick[0])  # fraction of the flight to the line
    c.fly(fk, (m - 0.5) / over, p_kick, p_end, (0.0, 0.0, 0.6))  # over by half a frame at k
    kp = np.array([gx - d * 0.8, W / 2])
    dive = kp - (0, 2.5 * np.sign(p_end[1] - W / 2 + 1e-9))  # the wrong way
    c.players[:, (1 - ev.team) * 11] = keyed(c.n, [0, fk, c.k + 2], [kp, kp, dive])
    _celebrate(c, ev, i, np.array([gx - d * rng.uniform(3, 8),
                                   W / 2 + rng.choice([-1, 1]) * rng.uniform(12, 20)]))
    late = np.arange(c.n)[:, None] > c.k + c.sec(0.5)
    c.focus = np.where(late, c.players[:, i], c.ball[:, :2])
    ev.anchor = tuple(c.ball[c.k])
    return c


def _celebrate(c, ev, scorer, party):
    """The scorer and the six nearest team-mates run to ``party`` and huddle."""
    c.go([scorer], party, 7.0, c.k + c.sec(0.3))
    mates = sorted((j for j in range(ev.team * 11 + 1, ev.team * 11 + 11) if j != scorer),
                   key=lambda j: np.linalg.norm(c.players[c.k, j] - party))[:6]
    ring = party + c.rng.uniform(1.0, 2.0, (6, 1)) * _unit(c.rng.uniform(0, 2 * np.pi, 6))
    c.go(mates, ring, 8.0, c.k + c.sec(0.5))


def kick_off(ev, sim, rng):
    """Both teams in their own halves; the ball played back from the centre spot (key)."""
    d = sim.dirs[ev.team * 11]
    centre = np.array([L / 2, W / 2])
    c = Clip(ev, sim, rng, centre)
    own_goal = np.where(sim.dirs > 0, 0.0, L)  # everyone back in their own half
    own_x = own_goal + sim.dirs * np.abs(sim.home[:, 0] - own_goal) * 0.78
    base = np.stack([own_x, sim.home[:, 1]], 1)
    out = np.linalg.norm(base - centre, axis=1) < 10
    base[out] = centre + 10 * _unit_vec(base[out] - centre)
    c.players = c.wobble(base, 0.3)
    kicker, mate, recv = ev.team * 11 + 9, ev.team * 11 + 10, ev.team * 11 + 6
    c.players[:, kicker] = keyed(c.n, [0, c.k - c.sec(0.4), c.k],
                                 [centre - (1.5 * d, 0.3), centre - (1.5 * d, 0.3),
                                  centre - (0.7 * d, 0.3)])
    c.players[:, mate] = centre + (-0.5 * d, 2.5)
    target = np.array([L / 2 - d * rng.uniform(9, 13), W / 2 + rng.uniform(-5, 5)])
    c.players[:, recv] = target - (0.7 * d, 0.3)
    c.ball[:, :2] = centre
    c.fly(c.k, c.sec(1.1), centre, target)
    forward = keyed(c.n - c.k, [0, c.n - c.k], [0, 2.0])  # everyone moves up after the kick
    c.players[c.k:, :, 0] += forward * sim.dirs
    ev.anchor = (*centre, 0.0)
    return c


def corner(ev, sim, rng):
    """The ball on the corner arc, the taker next to it; lofted into the box (key: kick)."""
    d, gx = attack(sim, ev.team)
    cy = 0.0 if rng.random() < 0.5 else W
    si = 1.0 if cy == 0 else -1.0
    c = Clip(ev, sim, rng, (gx - d * 11, W / 2))
    ball0 = np.array([gx - d * 0.6, cy + si * 0.6])  # on the corner arc
    box = [j for j in range(22) if 3 <= j % 11]
    spots = np.stack([gx - d * rng.uniform(4, 15, len(box)),
                      W / 2 + rng.uniform(-11, 11, len(box))], 1)
    c.players[:, box] += spots - c.players[0, box]
    inward = _unit_vec(np.array([gx - d * 11, W / 2]) - ball0)
    near = np.array([[gx - d * 0.8, W / 2], ball0 + (-d * rng.uniform(7, 10), si * 3),
                     ball0 + 9.5 * inward])  # keeper, short option, defender at 9.15 m
    c.players[:, [(1 - ev.team) * 11, ev.team * 11 + 2, (1 - ev.team) * 11 + 2]] = \
        c.wobble(near, 0.3)
    taker = ev.team * 11 + 1
    back = np.array([d, -si]) / np.sqrt(2)  # towards the corner, off the pitch
    c.players[:, taker] = keyed(c.n, [0, 0.5 * c.k, c.k - c.sec(0.35), c.k],
                                [ball0 + (-5 * d, 4 * si), ball0 + 1.4 * back,
                                 ball0 + 1.4 * back, ball0 + 0.4 * back])
    c.ball[:, :2] = ball0
    tgt = np.array([gx - d * rng.uniform(6, 11), W / 2 + rng.uniform(-6, 6)])
    clear = on_pitch(np.array([gx - d * rng.uniform(18, 26), W / 2 + rng.uniform(-16, 16)]))
    head = c.nearest(tgt, [j for j in box if j != taker], c.k)
    c.go([head], tgt, 6.0, c.k)
    F = c.sec(1.3)
    c.fly(c.k, F, ball0, tgt, (0.0, 1.9, 4.0))
    c.fly(c.k + F, c.sec(0.8), tgt, clear, (1.9, 0.0, 0.8))
    c.focus = c.ball[:, :2].copy()
    ev.anchor = (*ball0, 0.0)
    return c


def throw_in(ev, sim, rng):
    """The thrower at the touchline, ball above the head (key: release), to a team-mate."""
    d = sim.dirs[ev.team * 11]
    ly = 0.0 if rng.random() < 0.5 else W
    si = 1.0 if ly == 0 else -1.0
    x0 = rng.uniform(15, L - 15)
    spot = np.array([x0, ly - si * 0.35])
    c = Clip(ev, sim, rng, (x0, ly + si * 12))
    thr = ev.team * 11 + int(rng.integers(1, 11))
    c.players[:, thr] = keyed(c.n, [0, 0.45 * c.k, c.k + c.sec(0.5), c.k + c.sec(1.2)],
                              [spot + (rng.uniform(-3, 3), si * 2.5), spot, spot,
                               spot + (0, si * 1.5)])
    c.ball[:, :2] = c.players[:, thr]
    c.ball[:, 2] = keyed(c.n, [0, 0.55 * c.k, 0.85 * c.k], [1.1, 1.1, 2.3])[:, 0]
    dest = on_pitch(np.array([x0 + d * rng.uniform(4, 10), ly + si * rng.uniform(6, 12)]))
    recv = c.nearest(dest, [j for j in range(ev.team * 11 + 1, ev.team * 11 + 11) if j != thr])
    c.go([recv], dest - (0.7 * d, 0.3), 5.0, 0)
    c.fly(c.k, c.sec(1.0), spot, dest, (2.3, 0.0, 1.0))
    c.focus = c.ball[:, :2].copy()
    ev.anchor = (*spot, 2.3)
    return c


def substitution(ev, sim, rng):
    """The fourth official raises the board (key: fully up); one player off, one waiting."""
    off = np.array([L / 2 + 1.2, W + 1.6])  # the fourth official, off the near touchline
    c = Clip(ev, sim, rng, (L / 2, W - 14))
    j = ev.team * 11 + int(rng.integers(1, 11))
    c.players[:, j] = approach((L / 2 + rng.uniform(-9, 9), W - rng.uniform(6, 11)),
                               (L / 2 - 1.0, W + 0.8), 2.5, c.n, c.fps)[:, 0]
    sub = keyed(c.n, [0, c.k + c.sec(1.2), c.n], [(L / 2 - 1.0, W + 1.4), (L / 2 - 1.0, W + 1.4),
                                                  (L / 2 - 1.0, W - 2.0)])
    c.figures += [(np.tile(off, (c.n, 1)), REF_KIT), (sub, ev.team)]
    lift = keyed(c.n, [0, 0.3 * c.k, c.k], [0.9, 0.9, 2.1])[:, 0]
    digits = (f'{j % 11 + 1}', f'{int(rng.integers(12, 24))}')
    c.items.append((np.tile(off, (c.n, 1)), lift, 0, ('board', digits)))
    c.ball[:] = (L / 2 + rng.uniform(-8, 8), W - rng.uniform(4, 8), 0.0)
    c.focus = np.tile((L / 2, W - 3.0), (c.n, 1))
    ev.anchor = (*off, 2.1 + BOARD_M[1] / 2)
    return c


def card(ev, sim, rng):
    """The referee runs to a player and raises the card (key: fully up)."""
    f = np.array([rng.uniform(20, L - 20), rng.uniform(14, W - 14)])
    c = Clip(ev, sim, rng, f)
    p = ev.team * 11 + int(rng.integers(1, 11))
    c.players[:, p] = c.wobble(f[None], 0.2)[:, 0]
    stand = f + (1.8, -0.5)
    start = on_pitch(stand + 6 * _unit(rng.uniform(0, 2 * np.pi)))
    c.ref = keyed(c.n, [0, 0.6 * c.k], [start, stand])
    near = sorted((j for j in range(22) if j % 11 and j != p),
                  key=lambda j: np.linalg.norm(c.players[0, j] - f))[:4]
    c.go(near, f + 3 * _unit(rng.uniform(0, 2 * np.pi, 4)), 4.0, 0)
    if ev.kind == 'Red card':
        c.go([p], (f[0], 0.0 if f[1] < W / 2 else W), 2.0, c.k + c.sec(1.0))
    lift = keyed(c.n, [0.7 * c.k, c.k], [1.1, 2.1])[:, 0]
    c.items.append((c.ref, lift, int(0.7 * c.k), ('card', ev.kind)))
    c.ball[:] = (*(f + (rng.uniform(-6, 6), rng.uniform(-4, 4))), 0.0)
    c.focus = np.tile((f + stand) / 2, (c.n, 1))
    ev.anchor = (stand[0] + 0.3, stand[1], 2.1 + CARD_M[1] / 2)
    return c


def _unit(a):
    """Unit vectors (..., 2) at angles ``a``."""
    return np.stack([np.cos(a), np.sin(a)], -1)


def _unit_vec(v):
    """``v`` (..., 2) scaled to unit length."""
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-6)


SCRIPTS = {'Goal': goal, 'Kick-off': kick_off, 'Corner': corner, 'Throw-in': throw_in,
           'Substitution': substitution, 'Yellow card': card, 'Red card': card}
