"""Generate a synthetic tennis ball-tracking set in the real layout (docs/formats.md).

    python tools/data/tennis/make_synthetic.py --out data/tennis

writes ``<out>/{train,test}/game<G>/clip<C>/{0000.jpg, ..., labels.csv}``.

Each game has its own court colour, camera and player kits. A clip is a run of
rallies rendered by a pinhole camera over a 3D court: the ball flies on
ballistic arcs (g = 9.81 m/s^2) between the two players, bounces (restitution
0.75), is hit back, and leaves the frame at the end of a point. Label codes:

* 0: the ball is out of the frame (high lobs, between points, out balls);
* 1: visible;
* 2: hard to see: fast balls drawn as a faint motion-blur streak;
* 3: occluded: the ball is behind a player's body.

Deterministic for a given ``--seed``: every clip draws from its own RNG seeded
by (seed, split, game, clip). Frames are written atomically (temp + rename)
and a finished clip (its labels.csv exists) is skipped on a re-run. The command line is
:mod:`mmsport.cli.make_synthetic_tennis`; in Python, :func:`generate`.
"""
import csv
import os
import zlib

import cv2
import numpy as np

G = 9.81
BALL_RADIUS_M = 0.06  # drawn twice the real size, so the ball survives 1/4 scale
COURT_COLOURS = [((150, 95, 45), (90, 120, 60)),   # blue hard court, green surround
                 ((70, 135, 70), (50, 95, 50)),    # green hard court
                 ((60, 105, 190), (50, 85, 150))]  # clay
KITS = [(40, 40, 200), (200, 60, 40), (240, 240, 240), (30, 30, 30), (0, 160, 230),
        (150, 50, 150)]


class Camera:
    """Pinhole camera behind the near baseline, fitted to the image."""

    def __init__(self, rng, width, height):
        self.w, self.h = width, height
        self.c = np.array([rng.uniform(-1.0, 1.0), rng.uniform(-12.0, -9.0),
                           rng.uniform(7.0, 9.0)])
        target = np.array([0.0, rng.uniform(9.5, 11.5), 0.0])
        fwd = target - self.c
        self.fwd = fwd / np.linalg.norm(fwd)
        right = np.cross(self.fwd, [0.0, 0.0, 1.0])
        self.right = right / np.linalg.norm(right)
        self.down = np.cross(self.fwd, self.right)
        # fit: court + players (1.9 m tall) span 12%..95% of the height
        pts = np.array([[x, y, z] for x in (-5.5, 5.5) for y in (-1.5, 25.0)
                        for z in (0.0, 1.9)])
        u, v, _ = self._raw(pts)
        f = min(0.83 * height / (v.max() - v.min()), 0.95 * width / (u.max() - u.min()))
        self.f = f
        self.u0 = width / 2 - f * (u.max() + u.min()) / 2
        self.v0 = 0.95 * height - f * v.max()

    def _raw(self, p):
        d = np.atleast_2d(p) - self.c
        zc = d @ self.fwd
        return (d @ self.right) / zc, (d @ self.down) / zc, zc

    def project(self, p):
        """(N, 3) metres -> u, v pixels and depth (N,)."""
        u, v, zc = self._raw(p)
        return self.u0 + self.f * u, self.v0 + self.f * v, zc


def draw_court(cam, colours, rng):
    court, surround = colours
    img = np.empty((cam.h, cam.w, 3), np.uint8)
    img[:] = surround

    def poly(pts, colour):
        u, v, _ = cam.project(np.array(pts, dtype=float))
        cv2.fillPoly(img, [np.stack([u, v], 1).round().astype(np.int32)], colour,
                     cv2.LINE_AA)

    def line(a, b, colour=(245, 245, 245), width=2):
        u, v, _ = cam.project(np.array([a, b], dtype=float))
        cv2.line(img, (int(u[0]), int(v[0])), (int(u[1]), int(v[1])), colour, width,
                 cv2.LINE_AA)

    poly([(-7, -3, 0), (7, -3, 0), (7, 27, 0), (-7, 27, 0)], court)
    for x in (-5.485, -4.115, 4.115, 5.485):
        line((x, 0, 0), (x, 23.77, 0))
    for y in (0.0, 23.77):
        line((-5.485, y, 0), (5.485, y, 0))
    for y in (5.485, 18.285):
        line((-4.115, y, 0), (4.115, y, 0))
    line((0, 5.485, 0), (0, 18.285, 0))
    # the net: a dark band with a white tape
    poly([(-6.4, 11.885, 0), (6.4, 11.885, 0), (6.4, 11.885, 1.07), (-6.4, 11.885, 1.07)],
         (45, 45, 45))
    line((-6.4, 11.885, 1.07), (6.4, 11.885, 0.914), width=3)
    noise = rng.normal(0, 4, img.shape)
    return np.clip(img + noise, 0, 255).astype(np.uint8)


def player_box(cam, x, y):
    """Pixel box (x0, y0, x1, y1) and depth of a 1.85 m x 0.7 m player at (x, y)."""
    u, v, zc = cam.project(np.array([[x - 0.35, y, 0.0], [x + 0.35, y, 1.85]]))
    return (int(u.min()), int(v.min()), int(u.max()), int(v.max())), float(zc.mean())


def draw_player(img, box, kit):
    x0, y0, x1, y1 = box
    h = y1 - y0
    head = max(2, h // 9)
    cx = (x0 + x1) // 2
    legs = (kit[0] // 3, kit[1] // 3, kit[2] // 3)
    cv2.rectangle(img, (x0 + (x1 - x0) // 5, y0 + h * 3 // 5), (x1 - (x1 - x0) // 5, y1), legs,
                  -1)
    cv2.rectangle(img, (x0, y0 + 2 * head), (x1, y0 + h * 3 // 5), kit, -1)
    cv2.circle(img, (cx, y0 + head), head, (140, 170, 210), -1, cv2.LINE_AA)


def simulate_clip(rng, n_frames, fps):
    """Ball (N, 3) metres (NaN = no ball in play) and player positions (N, 2, 2)."""
    dt = 1.0 / fps
    ball = np.full((n_frames, 3), np.nan)
    players = np.zeros((n_frames, 2, 2))
    px = np.array([rng.uniform(-2, 2), rng.uniform(-2, 2)])
    py = np.array([rng.uniform(-1.0, 0.5), rng.uniform(23.3, 24.8)])
    t = 0
    while t < n_frames:
        gap = int(rng.integers(5, 20))  # between points: no ball
        for _ in range(gap):
            if t >= n_frames:
                break
            players[t] = np.stack([px, py], 1)
            t += 1
        hitter = int(rng.integers(0, 2))
        pos = np.array([px[hitter] + 0.3, py[hitter], 1.0])
        vel = np.array([0.0, 0.0, 5.0])  # serve toss: up, then the hit
        toss = int(0.5 * fps)
        shots = int(rng.integers(2, 7))
        shot, since_hit, bounced = -1, 0, False
        while t < n_frames:
            if shot == -1 and since_hit >= toss:
                shot, since_hit = 0, 0
                vel = shot_velocity(rng, pos, hitter)
                bounced = False
            pos = pos + vel * dt
            vel[2] -= G * dt
            since_hit += 1
            if pos[2] <= 0 and vel[2] < 0:  # bounce
                pos[2] = -pos[2]
                vel[2] = -0.75 * vel[2]
                vel[:2] *= 0.85
                bounced = True
            receiver = 1 - hitter
            # the receiver runs towards the ball's line
            px[receiver] += np.clip(pos[0] - px[receiver], -0.25, 0.25)
            ball[t] = pos
            players[t] = np.stack([px, py], 1)
            t += 1
            at_receiver = (pos[1] - py[receiver]) * (1 if receiver == 0 else -1) <= 0.3
            if shot >= 0 and bounced and at_receiver:
                shot += 1
                if shot >= shots:  # the receiver misses; ball flies on, out of frame
                    while t < n_frames and abs(pos[1] - 12) < 22 and pos[2] > -0.5:
                        pos = pos + vel * dt
                        vel[2] -= G * dt
                        if pos[2] <= 0 and vel[2] < 0:
                            pos[2], vel[2] = -pos[2], -0.7 * vel[2]
                        ball[t] = pos
                        players[t] = np.stack([px, py], 1)
                        t += 1
                    break
                hitter = receiver
                pos = np.array([pos[0], py[hitter], max(pos[2], 0.5)])
                vel = shot_velocity(rng, pos, hitter)
                bounced = False
            if since_hit > 6 * fps:
                break
    return ball, players


def shot_velocity(rng, pos, hitter):
    """Velocity that lands the ball in the opponent's half after t1 seconds."""
    lob = rng.random() < 0.15
    t1 = rng.uniform(1.5, 2.0) if lob else rng.uniform(0.55, 1.05)
    bx = rng.uniform(-4.0, 4.0)
    by = rng.uniform(14.0, 22.5) if hitter == 0 else rng.uniform(1.5, 10.0)
    v = np.array([(bx - pos[0]) / t1, (by - pos[1]) / t1, 0.0])
    v[2] = (0.5 * G * t1 ** 2 - pos[2]) / t1
    return v


def render_clip(rng, cam, bg, kits, n_frames, fps, out_dir):
    """Render one clip into ``out_dir``; returns the label rows."""
    ball, players = simulate_clip(rng, n_frames, fps)
    rows, prev_uv = [], None
    for t in range(n_frames):
        img = bg.copy()
        boxes = [player_box(cam, players[t, k, 0], players[t, k, 1]) for k in (0, 1)]
        code, u, v = 0, None, None
        draw_ball = None
        if not np.isnan(ball[t, 0]):
            uu, vv, zc = cam.project(ball[t])
            u, v, zc = float(uu[0]), float(vv[0]), float(zc[0])
            if 0 <= u < cam.w and 0 <= v < cam.h:
                r = max(2.5, cam.f * BALL_RADIUS_M / zc)
                occluded = any(b[0] - r <= u <= b[2] + r and b[1] - r <= v <= b[3] + r
                               and depth < zc + 0.3 for b, depth in boxes)
                speed = 0.0 if prev_uv is None else np.hypot(u - prev_uv[0], v - prev_uv[1])
                if occluded:
                    code = 3
                elif speed > 0.017 * cam.w:
                    code = 2
                else:
                    code = 1
                draw_ball = (u, v, r, speed)
            prev_uv = (u, v)
        else:
            prev_uv = None
        # players far to near; an un-occluded ball has no player in front of it
        for k in sorted(range(2), key=lambda k: -boxes[k][1]):
            draw_player(img, boxes[k][0], kits[k])
        if draw_ball is not None and code != 3:
            _draw_ball(img, draw_ball, code, prev_uv_before(ball, t, cam))
        gain = rng.uniform(0.96, 1.04)
        img = cv2.convertScaleAbs(img, alpha=gain, beta=0)
        _imwrite_atomic(os.path.join(out_dir, f'{t:04d}.jpg'), img)
        if code == 0:
            rows.append([f'{t:04d}.jpg', 0, '', '', ''])
        else:
            rows.append([f'{t:04d}.jpg', code, int(round(u)), int(round(v)), 0])
    return rows


def prev_uv_before(ball, t, cam):
    if t == 0 or np.isnan(ball[t - 1, 0]):
        return None
    u, v, _ = cam.project(ball[t - 1])
    return float(u[0]), float(v[0])


def _draw_ball(img, draw, code, prev):
    u, v, r, _ = draw
    colour = (60, 235, 215)  # BGR yellow-green
    if code == 2 and prev is not None:  # motion blur: a faint streak along the motion
        overlay = img.copy()
        cv2.line(overlay, (int(prev[0]), int(prev[1])), (int(u), int(v)), colour,
                 max(1, int(round(1.6 * r))), cv2.LINE_AA)
        cv2.addWeighted(overlay, 0.55, img, 0.45, 0, dst=img)
    else:
        cv2.circle(img, (int(round(u)), int(round(v))), int(round(r)), colour, -1, cv2.LINE_AA)


def _imwrite_atomic(path, img):
    """JPEG-encode ``img`` into ``<path>.tmp`` (never matched by ``*.jpg``), then rename."""
    ok, buf = cv2.imencode('.jpg', img, [cv2.IMWRITE_JPEG_QUALITY, 90])
    if not ok:
        raise OSError(f'{path}: cannot write frame')
    tmp = f'{path}.tmp'
    with open(tmp, 'wb') as f:
        f.write(buf.tobytes())
    os.replace(tmp, path)


def _write_labels_atomic(path, rows):
    tmp = f'{path}.tmp'
    with open(tmp, 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['file name', 'code', 'x', 'y', 'q'])
        w.writerows(rows)
    os.replace(tmp, path)


def clip_rng(seed, split, game, clip):
    return np.random.default_rng([seed, zlib.crc32(split.encode()), game, clip])


def make_split(out, split, n_games, clips_per_game, n_frames, width, height, fps, seed):
    done = 0
    total = n_games * clips_per_game
    for game in range(1, n_games + 1):
        grng = clip_rng(seed, split, game, 0)
        cam = Camera(grng, width, height)
        bg = draw_court(cam, COURT_COLOURS[int(grng.integers(len(COURT_COLOURS)))], grng)
        kit_idx = grng.choice(len(KITS), 2, replace=False)
        kits = [KITS[i] for i in kit_idx]
        for clip in range(1, clips_per_game + 1):
            clip_dir = os.path.join(out, split, f'game{game}', f'clip{clip}')
            labels = os.path.join(clip_dir, 'labels.csv')
            done += 1
            if os.path.exists(labels):
                continue
            os.makedirs(clip_dir, exist_ok=True)
            rng = clip_rng(seed, split, game, clip)
            rows = render_clip(rng, cam, bg, kits, n_frames, fps, clip_dir)
            _write_labels_atomic(labels, rows)
            print(f'[{split}] {done}/{total} game{game}/clip{clip}: {n_frames} frames',
                  flush=True)


def generate(out: str = 'data/tennis', *, train_games: int = 6, test_games: int = 2,
             clips_per_game: int = 3, frames_per_clip: int = 120, width: int = 1280,
             height: int = 720, fps: float = 25.0, seed: int = 0) -> int:
    """Generate the set under ``out`` (module docstring); returns 0."""
    for split, n_games in (('train', train_games), ('test', test_games)):
        make_split(out, split, n_games, clips_per_game, frames_per_clip, width, height, fps,
                   seed)
    print(f'synthetic tennis data ready under {out}')
    return 0
