"""Generate a synthetic basketball player re-identification set (atmaCup22 layout).

    python tools/data/reid/make_synthetic.py --out data/reid

writes under ``<out>`` (docs/formats.md): ``images/{quarter}__{angle}__{ss}__{ff}.jpg`` full
train frames, ``train_meta.csv``, pre-cropped test images
``crops/<quarter>/sess_<ssss>/<angle>/<quarter>__sess<ssss>__<hash>.jpg``, ``test_meta.csv``
and the hidden ground truth ``test_labels.csv`` (``label_id`` per test_meta row, -1 for
identities never seen in train).

Two teams with similar jersey colours; each identity has a stable look (jersey shade,
trim colour, number, body shape, skin and shorts tone). The side view draws standing
figures, the top view ellipse shoulders + head seen from above. Players drift a few
pixels a frame (test tracklets link by frame proximity + IoU); every frame gets its own
brightness, size jitter, blur and noise. Train quarters are Q1-000, Q2-000, Q3-000, Q1-001..,
test quarters Q4-000..; session ``s % 3 == 1`` also has a top view (~25% of rows).
Deterministic for ``--seed``; ``train_meta.csv`` is written last and marks a complete set.
The command line is :mod:`mmsport.cli.make_synthetic_reid`; in Python, :func:`generate`.
"""
import hashlib
import math
import os
import sys

import cv2
import numpy as np

from mmsport.fileio import reid as rio

TEAM_JERSEY = [(40, 40, 185), (50, 55, 170)]  # BGR: two similar reds
TRIMS = [[(255, 255, 255), (40, 200, 240), (20, 20, 20)],
         [(235, 235, 235), (60, 170, 250), (90, 40, 20)]]
SKINS = [(150, 185, 225), (110, 150, 200), (70, 100, 150), (50, 70, 105)]
FLOOR = (95, 160, 215)
LINE = (245, 245, 245)


def make_identities(rng, n):
    """Stable looks for ``n`` identities: list of dicts (team, colours, number, shape)."""
    numbers = [rng.permutation(np.arange(0, 56))[:(n + 1) // 2] for _ in range(2)]
    ids = []
    for i in range(n):
        team = i % 2
        jersey = np.clip(np.array(TEAM_JERSEY[team]) + rng.integers(-12, 13, 3), 0, 255)
        trim = TRIMS[team][rng.integers(len(TRIMS[team]))]
        shorts = np.clip(jersey * rng.uniform(0.5, 0.9), 0, 255)
        ids.append(dict(team=team, jersey=tuple(int(c) for c in jersey), trim=trim,
                        shorts=tuple(int(c) for c in shorts), number=int(numbers[team][i // 2]),
                        skin=SKINS[rng.integers(len(SKINS))], height=rng.uniform(0.85, 1.15),
                        ratio=rng.uniform(0.3, 0.44), hair=int(rng.integers(10, 60))))
    return ids


def draw_court(w, h, angle, rng):
    """A (h, w, 3) uint8 court: wood floor and lines; the side view has a crowd band."""
    img = np.empty((h, w, 3), np.uint8)
    img[:] = FLOOR
    if angle == 'side':
        top = int(0.3 * h)
        crowd = rng.integers(20, 90, (top // 4 + 1, w // 4 + 1, 3), dtype=np.uint8)
        img[:top] = cv2.resize(crowd, (w, top), interpolation=cv2.INTER_NEAREST)
        cv2.line(img, (0, int(0.4 * h)), (w, int(0.4 * h)), LINE, 2)
        cv2.ellipse(img, (w // 2, int(0.62 * h)), (w // 6, h // 14), 0, 0, 360, LINE, 2)
        cv2.line(img, (w // 2, int(0.4 * h)), (w // 2, h), LINE, 2)
    else:
        cv2.rectangle(img, (4, 4), (w - 5, h - 5), LINE, 2)
        cv2.line(img, (w // 2, 4), (w // 2, h - 5), LINE, 2)
        cv2.circle(img, (w // 2, h // 2), h // 6, LINE, 2)
        for x0 in (4, w - 5 - w // 6):
            cv2.rectangle(img, (x0, h // 3), (x0 + w // 6, 2 * h // 3), LINE, 2)
    return img


def _text(img, number, cx, cy, size, colour):
    """The jersey number centred at (cx, cy), about ``size`` px tall."""
    scale = max(size / 22.0, 0.2)
    thick = max(1, int(round(scale * 1.6)))
    (tw, th), _ = cv2.getTextSize(str(number), cv2.FONT_HERSHEY_SIMPLEX, scale, thick)
    cv2.putText(img, str(number), (int(cx - tw / 2), int(cy + th / 2)),
                cv2.FONT_HERSHEY_SIMPLEX, scale, colour, thick, cv2.LINE_AA)


def draw_side(img, p, x, y, w, h):
    """Standing figure filling the box (x, y, w, h): head, torso + number, shorts, legs."""
    r = max(2, int(0.08 * h))
    cx = x + w // 2
    cv2.circle(img, (cx, y + r), r, p['skin'], -1)
    cv2.circle(img, (cx, y + r // 2), r, (p['hair'],) * 3, -1, lineType=cv2.LINE_AA)
    cv2.circle(img, (cx, y + r + 1), r - 1, p['skin'], -1)
    arm = max(2, w // 6)
    ty0, ty1, sy1 = y + 2 * r, y + int(0.56 * h), y + int(0.72 * h)
    cv2.rectangle(img, (x, ty0 + 1), (x + arm, y + int(0.6 * h)), p['skin'], -1)
    cv2.rectangle(img, (x + w - 1 - arm, ty0 + 1), (x + w - 1, y + int(0.6 * h)), p['skin'], -1)
    cv2.rectangle(img, (x + arm, ty0), (x + w - 1 - arm, ty1), p['jersey'], -1)
    cv2.rectangle(img, (x + arm, ty0), (x + w - 1 - arm, ty1), p['trim'], 1)
    _text(img, p['number'], cx, (ty0 + ty1) / 2, 0.5 * (ty1 - ty0), p['trim'])
    cv2.rectangle(img, (x + arm, ty1), (x + w - 1 - arm, sy1), p['shorts'], -1)
    leg = max(1, (w - 2 * arm) // 3)
    for lx in (x + arm, x + w - 1 - arm - leg):
        cv2.rectangle(img, (lx, sy1), (lx + leg, y + h - 3), p['skin'], -1)
        cv2.rectangle(img, (lx - 1, y + h - 3), (lx + leg + 1, y + h - 1), (25, 25, 25), -1)


def draw_top(img, p, cx, cy, size, rot):
    """Player seen from above at (cx, cy); returns its tight box (x, y, w, h).

    Shoulders are an ellipse (major axis = ``rot`` degrees), the head a dark circle
    slightly forward, the number on the back half.
    """
    axes = (max(4, int(size * (1.0 + p['ratio']))), max(3, int(size * 0.7)))
    poly = cv2.ellipse2Poly((cx, cy), axes, int(rot), 0, 360, 8)
    cv2.fillConvexPoly(img, poly, p['jersey'], cv2.LINE_AA)
    cv2.polylines(img, [poly], True, p['trim'], 1)
    fx, fy = math.sin(math.radians(rot)), -math.cos(math.radians(rot))  # forward unit
    _text(img, p['number'], cx - 0.45 * axes[1] * fx, cy - 0.45 * axes[1] * fy,
          0.8 * axes[1], p['trim'])
    hr = max(2, int(0.4 * size))
    hx, hy = int(cx + 0.35 * axes[1] * fx), int(cy + 0.35 * axes[1] * fy)
    cv2.circle(img, (hx, hy), hr, (p['hair'],) * 3, -1, cv2.LINE_AA)
    pts = np.concatenate([poly, [[hx - hr, hy - hr], [hx + hr, hy + hr]]])  # (K, 2)
    x0, y0 = pts.min(0)
    x1, y1 = pts.max(0)
    return int(x0), int(y0), int(x1 - x0 + 1), int(y1 - y0 + 1)


def render_session(rng, looks, players, angle, n_frames, w, h):
    """Yield (frame 1.., image (h, w, 3), [(identity, x, y, bw, bh)]) for one session view."""
    k = len(players)
    lane = (np.arange(k) + rng.uniform(0.2, 0.8, k)) / k
    y_lo = 0.55 if angle == 'side' else 0.2
    pos = np.stack([lane[rng.permutation(k)] * w, rng.uniform(y_lo, 0.9, k) * h], 1)  # (k, 2)
    vel = rng.normal(0, 2.5, (k, 2))
    rot = rng.uniform(0, 360, k)
    base = draw_court(w, h, angle, rng)
    for f in range(1, n_frames + 1):
        pos = pos + vel + rng.normal(0, 0.8, (k, 2))
        pos[:, 0] = np.clip(pos[:, 0], 0.06 * w, 0.94 * w)
        pos[:, 1] = np.clip(pos[:, 1], (0.5 if angle == 'side' else 0.15) * h, 0.9 * h)
        img, boxes = base.copy(), []
        for j in np.argsort(pos[:, 1]):  # far (small y) first: near players occlude them
            p, scale = looks[players[j]], rng.uniform(0.96, 1.04)
            if angle == 'side':
                bh = int(0.42 * h * p['height'] * (0.55 + 0.5 * pos[j, 1] / h) * scale)
                bw = max(8, int(bh * p['ratio']))
                x, y = int(pos[j, 0] - bw / 2), int(pos[j, 1] - bh)
                draw_side(img, p, x, y, bw, bh)
            else:
                rot[j] += rng.normal(0, 8)
                x, y, bw, bh = draw_top(img, p, int(pos[j, 0]), int(pos[j, 1]),
                                        0.08 * h * p['height'] * scale, rot[j])
            boxes.append((players[j], x, y, bw, bh))
        yield f, add_noise(img, rng), boxes


def add_noise(img, rng):
    """Per-frame brightness/contrast change, occasional blur and sensor noise."""
    out = img.astype(np.float32) * rng.uniform(0.8, 1.15) + rng.uniform(-15, 15)
    if rng.random() < 0.5:
        out = cv2.GaussianBlur(out, (3, 3) if rng.random() < 0.7 else (5, 5), 0)
    out += rng.normal(0, 3, out.shape).astype(np.float32)
    return np.clip(out, 0, 255).astype(np.uint8)


def jitter_box(rng, box, w, h, px=2):
    """A few px of annotation jitter on (x, y, bw, bh), kept inside the frame."""
    x, y, bw, bh = np.asarray(box) + rng.integers(-px, px + 1, 4)
    return rio.clip_box(int(x), int(y), int(max(bw, 4)), int(max(bh, 4)), w, h)


def assign_players(rng, ids, n_slots, k, first=()):
    """Fill ``n_slots`` sessions with ``k`` distinct players, cycling through ``ids``."""
    order = list(first) + [i for i in rng.permutation(ids) if i not in first]
    out, pos = [], 0
    for _ in range(n_slots):
        chosen = []
        while len(chosen) < min(k, len(order)):
            cand = order[pos % len(order)]
            pos += 1
            if cand not in chosen:
                chosen.append(int(cand))
        out.append(chosen)
    return out


def generate(out: str = 'data/reid', *, identities: int = 14, unseen: int = 3,
             quarters_train: int = 3, quarters_test: int = 1, sessions: int = 3,
             frames: int = 6, players: int = 5, width: int = 320, height: int = 192,
             seed: int = 0, force: bool = False) -> int:
    """Generate the set under ``out`` (module docstring); returns 0, or 1 when a train
    identity gets fewer than 6 samples.

    Args:
        identities: players in all; ``unseen`` (in [0, identities)) of them only in test.
        quarters_train, quarters_test: quarters of each split.
        sessions: sessions per quarter; ``frames`` frames per session, ``players`` a frame.
        width, height: frame size.
        seed: the set is deterministic for a seed.
        force: regenerate an existing set (else it is skipped).
    """
    if not 0 <= unseen < identities:
        raise ValueError(f'unseen must be in [0, identities), got {unseen} of {identities}')
    W, H = width, height
    if os.path.exists(os.path.join(out, 'train_meta.csv')) and not force:
        print(f'{out}/train_meta.csv exists, skipping (use --force to regenerate)')
        return 0
    rng = np.random.default_rng(seed)
    looks = make_identities(rng, identities)
    unseen_ids = sorted(int(i) for i in rng.choice(identities, unseen, replace=False))
    seen = [i for i in range(identities) if i not in unseen_ids]
    label = {ident: lab for lab, ident in enumerate(seen)}  # train label_id 0..len(seen)-1
    S, k = sessions, players
    quarters = [f'Q{q % 3 + 1}-{q // 3:03d}' for q in range(quarters_train)]
    angles = [['side'] + (['top'] if s % 3 == 1 else []) for s in range(S)]
    train_rows = []
    for qi, (q, sess) in enumerate(zip(quarters, np.reshape(
            assign_players(rng, seen, len(quarters) * S, k), (len(quarters), S, -1)))):
        for s in range(S):
            for angle in angles[s]:
                srng = np.random.default_rng([seed, 1, qi, s, len(angle)])
                for f, img, boxes in render_session(srng, looks, sess[s], angle, frames,
                                                    W, H):
                    name = f'{q}__{angle}__{s:02d}__{f:02d}.jpg'
                    os.makedirs(os.path.join(out, 'images'), exist_ok=True)
                    cv2.imwrite(os.path.join(out, 'images', name), img)
                    for ident, *box in boxes:
                        jb = jitter_box(srng, box, W, H)
                        if jb is None:
                            continue
                        x, y, bw, bh = jb
                        train_rows.append((q, angle, s, f, x, y, bw, bh, label[ident]))
    counts = np.bincount([r[-1] for r in train_rows], minlength=len(seen))
    if counts.min() < 6:
        print(f'error: a train identity has only {counts.min()} samples (< 6); raise '
              f'--sessions, --frames, --players or --quarters-train', file=sys.stderr)
        return 1
    test_rows, test_labels = [], []
    tq = [f'Q4-{q:03d}' for q in range(quarters_test)]
    tsess = np.reshape(assign_players(rng, seen + unseen_ids, len(tq) * S, k,
                                      first=unseen_ids),
                       (len(tq), S, -1))
    for qi, q in enumerate(tq):
        for s in range(S):
            for angle in angles[s]:
                srng = np.random.default_rng([seed, 2, qi, s, len(angle)])
                folder = f'crops/{q}/sess_{s + 1:04d}/{angle}'
                os.makedirs(os.path.join(out, folder), exist_ok=True)
                for f, img, boxes in render_session(srng, looks, tsess[qi, s], angle,
                                                    frames, W, H):
                    for ident, *box in boxes:
                        jb = jitter_box(srng, box, W, H)
                        if jb is None:
                            continue
                        x, y, bw, bh = jb
                        key = f'{q}|{s + 1}|{f}|{angle}|{x},{y},{bw},{bh}|{len(test_rows)}'
                        digest = hashlib.sha1(key.encode()).hexdigest()[:12]
                        rel = f'{folder}/{q}__sess{s + 1:04d}__{digest}.jpg'
                        cv2.imwrite(os.path.join(out, rel), img[y:y + bh, x:x + bw])
                        test_rows.append((x, y, bw, bh, q, s + 1, f, angle, rel))
                        test_labels.append((label.get(int(ident), -1),))
    rio.write_csv(os.path.join(out, 'test_labels.csv'), ('label_id',), test_labels)
    rio.write_csv(os.path.join(out, 'test_meta.csv'), rio.TEST_META_COLUMNS, test_rows)
    rio.write_csv(os.path.join(out, 'train_meta.csv'), rio.TRAIN_META_COLUMNS, train_rows)
    print(f'wrote {out}: {len(train_rows)} train boxes on {len(set(r[:4] for r in train_rows))} '
          f'images ({len(seen)} identities), {len(test_rows)} test crops '
          f'({sum(lab == (-1,) for lab in test_labels)} of them unseen identities)')
    return 0

