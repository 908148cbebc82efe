"""SoccerNet-v2 events for the synthetic soccer generator (``--v2-events N``).

Used by :mod:`mmsport.testing.synthetic.soccer`; numpy + cv2 only.
:func:`schedule` places N events in a half: each owns a window of a few seconds
around its key frame, windows never overlap and key frames are >= 6 s apart.
:class:`Scene` rewrites the simulated ball and players inside every window (the
broadcast cuts to the event and back) and draws the extra figures and props. The
label's position is the key frame (in brackets):

- ``Goal``: a shot from 11-18 m past the diving keeper into the net (the first frame
  the ball is over the goal line); the scorer and six team-mates then huddle together.
- ``Kick-off`` (right after a Goal, by the other team): both teams in their own halves,
  the ball on the centre spot, played back to a midfielder (the kick).
- ``Corner``: the ball on the corner arc under the orange flag, the taker next to it,
  players packed in the box; lofted into the box and headed away (the kick).
- ``Throw-in``: the thrower at the touchline with the ball held above the head (the
  release), then thrown to a team-mate.
- ``Substitution``: the fourth official at the halfway line raises a bright cyan board
  with a red and a green number (board fully up); the outgoing player walks off and
  the substitute waits at the line.
- ``Yellow card`` / ``Red card``: the referee runs to a player and raises a big yellow /
  red card above the head (card fully up); team-mates gather, a sent-off player leaves.

Whenever a Scene is used, every frame also shows the referee (teal), goal nets and
corner flags, so those alone do not give an event away. ``team`` is 0 (home, players
0-10) or 1 (away); positions are pitch metres as in soccer.HalfSim.

The per-kind scripts (and the track helpers they use) are in the sibling
soccer_v2_event_scripts.py; their names are re-exported here.
"""
import dataclasses
import re

import cv2
import numpy as np

from . import soccer_render as render
from . import soccer_v2_event_scripts as scripts
# the scene scripts and their helpers, re-exported
from .soccer_v2_event_scripts import (SCRIPTS, Clip, _celebrate, _unit, _unit_vec,  # noqa: F401
                                      approach, attack, card, corner, goal, keyed, kick_off,
                                      on_pitch, substitution, throw_in)

L, W = render.L, render.W

KINDS = ('Goal', 'Corner', 'Throw-in', 'Substitution', 'Yellow card', 'Red card')
SPANS = {'Goal': (1.6, 3.4), 'Kick-off': (2.0, 1.6), 'Corner': (2.4, 2.0),
         'Throw-in': (2.0, 1.6), 'Substitution': (1.8, 2.4), 'Yellow card': (1.8, 2.0),
         'Red card': (1.8, 2.0)}  # seconds of the window before / after the key frame
MIN_KEY_GAP_S, MIN_PLAY_S, EDGE_S = 6.0, 1.0, 1.0
REF_KIT, NET, FLAG = scripts.REF_KIT, (200, 200, 200), (0, 128, 255)  # BGR (teal referee)
CARD = {'Yellow card': (0, 255, 255), 'Red card': (0, 0, 255)}
BOARD, BOARD_OUT, BOARD_IN = (255, 255, 0), (0, 0, 255), (0, 255, 0)
CARD_M, BOARD_M = scripts.CARD_M, scripts.BOARD_M  # width, height in metres (drawn large)


@dataclasses.dataclass
class Event:
    """One v2 event: window ``[start, end)`` and key frame, in frames of the half."""

    kind: str
    team: int
    start: int
    key: int
    end: int
    anchor: tuple = None  # pitch (x, y, z) where the signature shows at the key frame


def labels_header(rel):
    """The game fields of a Labels-v2.json, read from the game folder's name."""
    m = re.match(r'^(\S+) - (.+) (\d+) - (\d+) (.+)$', rel.split('/')[-1])
    return {'UrlLocal': rel, 'UrlYoutube': '', 'gameAwayTeam': m[5], 'gameDate': m[1],
            'gameHomeTeam': m[2], 'gameScore': f'{m[3]} - {m[4]}'}


def min_half_seconds(n_events, fps=25.0):
    """Half length that always fits ``n_events`` events (whatever kinds are drawn)."""
    if n_events <= 0:
        return 0.0
    pre, post = max(x[0] for x in SPANS.values()), max(x[1] for x in SPANS.values())
    gap = max(MIN_KEY_GAP_S, pre + post + MIN_PLAY_S)
    return 2 * EDGE_S + pre + post + gap * (n_events - 1) + (n_events + 4) / fps  # rounding


def pick_kinds(rng, n):
    """``n`` labels: shuffled rounds of KINDS, a Kick-off after each Goal that has room."""
    out = []
    while len(out) < n:
        for i in rng.permutation(len(KINDS)):
            if len(out) < n:
                out.append(KINDS[i])
            if out[-1] == 'Goal' and len(out) < n:
                out.append('Kick-off')
    return out


def schedule(rng, n_frames, fps, n_events):
    """Place v2 events in a half, in time order.

    Windows stay >= 1 s inside the half and >= 1 s apart; key frames are >= 6 s apart.
    Slack time is spread at random between the events.

    Args:
        rng: numpy Generator (kinds, teams, placement).
        n_frames: frames in the half.
        fps: frame rate.
        n_events: how many events (a Kick-off after a Goal counts as one).

    Returns:
        list of :class:`Event` without ``anchor`` (set when a Scene scripts them).

    Raises:
        ValueError: the half is too short (:func:`min_half_seconds` always fits).
    """
    kinds = pick_kinds(rng, n_events)
    sec = lambda x: int(round(x * fps))  # noqa: E731
    pre, post = [sec(SPANS[k][0]) for k in kinds], [sec(SPANS[k][1]) for k in kinds]
    gaps = [max(sec(MIN_KEY_GAP_S), post[i] + sec(MIN_PLAY_S) + pre[i + 1])
            for i in range(len(kinds) - 1)]
    need = 2 * sec(EDGE_S) + pre[0] + sum(gaps) + post[-1]
    if need > n_frames:
        raise ValueError(f'{n_events} v2 events need halves of >= {need / fps:.0f} s, '
                         f'got {n_frames / fps:.0f} s')
    extra = np.floor(rng.dirichlet(np.ones(len(kinds) + 1)) * (n_frames - need)).astype(int)
    key, events, team = sec(EDGE_S) + pre[0] + extra[0], [], 0
    for i, kind in enumerate(kinds):
        key += (gaps[i - 1] + extra[i]) if i else 0
        team = 1 - team if kind == 'Kick-off' else int(rng.integers(0, 2))
        events.append(Event(kind, team, int(key - pre[i]), int(key), int(key + post[i])))
    return events


def _draw_raised(img, view, x, y, z0, size, colour):
    """Filled rectangle ``size`` (w, h) metres held up with its bottom at height z0."""
    s = view[2]
    u, v = render.to_px(view, x, y, z0)
    u0, u1 = int(round(u - size[0] * s / 2)), int(round(u + size[0] * s / 2))
    v0, v1 = int(round(v - size[1] * s)), int(round(v))
    cv2.rectangle(img, (u0, v0), (u1, v1), colour, -1)
    return u0, v0, u1, v1


def _draw_board(img, view, x, y, z0, digits):
    """The substitution board: cyan, the outgoing number red (left), incoming green."""
    u0, v0, u1, v1 = _draw_raised(img, view, x, y, z0, BOARD_M, BOARD)
    font, bw, bh = cv2.FONT_HERSHEY_SIMPLEX, u1 - u0, v1 - v0
    for text, colour, cx in ((digits[0], BOARD_OUT, 0.22), (digits[1], BOARD_IN, 0.78)):
        (tw, th), _ = cv2.getTextSize(text, font, 1.0, 1)
        scale = min(0.6 * bh / th, 0.34 * bw / tw)
        (tw, th), _ = cv2.getTextSize(text, font, scale, 1)
        org = (int(u0 + cx * bw - tw / 2), int(v0 + (bh + th) / 2))
        cv2.putText(img, text, org, font, scale, colour, max(1, int(scale * 2)), cv2.LINE_AA)


class Scene:
    """v2 events applied to a simulated half (soccer.HalfSim), drawn by soccer_render.py.

    Construction rewrites ``sim.ball``/``sim.players`` inside each event window and drops
    the ball events (``sim.events``) that fall inside one.

    Args:
        sim: the simulated half (``ball``, ``players``, ``events``, ``dirs``, ``home``).
        events: from :func:`schedule`; each gets its ``anchor``.
        rng: numpy Generator for the scripts.

    Attributes:
        focus: (n, 2) where the camera looks (metres).
        cuts: frames where the camera jumps (window starts and ends).
        ref: (n, 2) the referee's position.
    """

    def __init__(self, sim, events, rng):
        self.events, self.n = events, sim.n
        self.focus, self.cuts = sim.ball[:, :2].copy(), set()
        self.figures, self.items, refs = [], [], []
        for ev in events:
            c = SCRIPTS[ev.kind](ev, sim, rng)
            sim.ball[ev.start:ev.end], sim.players[ev.start:ev.end] = c.ball, c.players
            self.focus[ev.start:ev.end] = c.ball[:, :2] if c.focus is None else c.focus
            self.cuts.update(t for t in (ev.start, ev.end) if t < sim.n)
            self.figures += [(ev.start, track, col) for track, col in c.figures]
            self.items += [(ev.start, *item) for item in c.items]
            if c.ref is not None:
                refs.append((ev, c.ref))
        sim.events = [e for e in sim.events if not self.covers(e[0])]
        self.ref = self._referee(refs)

    def covers(self, t):
        """Whether frame ``t`` is inside an event window."""
        return any(ev.start <= t < ev.end for ev in self.events)

    def _referee(self, overrides):
        ref, r = np.zeros((self.n, 2)), None
        for t in range(self.n):
            target = on_pitch(self.focus[t] + (-7.0, 5.0))
            if r is None or t in self.cuts:
                r = target.copy()
            r += 0.04 * (target - r)
            ref[t] = r
        for ev, track in overrides:
            ref[ev.start:ev.end] = track
        return ref

    def decorate(self, bg, s):
        """Goal nets and corner flags onto the whole-pitch image (once per half)."""
        def p(x, y, z=0.0):
            return int(round((x + render.MARGIN) * s)), int(round((y + render.MARGIN - z) * s))

        for x, sg in ((0.0, -1), (L, 1)):  # the goal is 2 m deep behind the line
            for k in (0.7, 1.4):
                cv2.line(bg, p(x + sg * k, W / 2 - 3.66), p(x + sg * k, W / 2 + 3.66), NET, 1)
            for y in np.arange(W / 2 - 3.66 + 0.7, W / 2 + 3.66, 0.7):
                cv2.line(bg, p(x, y), p(x + sg * 2.0, y), NET, 1)
        for x, y in ((0.0, 0.0), (L, 0.0), (0.0, W), (L, W)):
            cv2.line(bg, p(x, y), p(x, y, 1.7), (230, 230, 230), 1)
            fx = x + (1.0 if x == 0 else -1.0)
            cv2.rectangle(bg, p(x, y, 1.7), p(fx, y, 1.0), FLAG, -1)

    def under(self, img, t, view, kits):
        """The referee and the extra people (official, substitute), under the players."""
        bw, bh = render.sprite_size(view[2])
        people = [(self.ref[t], REF_KIT)] + [
            (track[t - t0], col) for t0, track, col in self.figures if 0 <= t - t0 < len(track)]
        for (x, y), col in people:
            u, v = render.to_px(view, x, y)
            render.draw_person(img, int(u), int(v), bw, bh, kits[col] if isinstance(
                col, int) else col)

    def over(self, img, t, view):
        """Cards and boards held up, over everything."""
        for t0, holder, lift, t_show, (what, arg) in self.items:
            i = t - t0
            if t_show <= i < len(holder):
                x, y = holder[i]
                if what == 'card':
                    _draw_raised(img, view, x + 0.3, y, lift[i], CARD_M, CARD[arg])
                else:
                    _draw_board(img, view, x, y, lift[i], arg)
