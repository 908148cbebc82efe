"""Generate a synthetic action-recognition competition set (docs/formats.md, Action recognition).

    python tools/data/recognition/make_synthetic.py --out data/recognition

writes under ``--out``::

    train.csv              video,label        (label = class name)
    videos/train/<id>.mp4  videos/test/<id>.mp4   (H.264, 25 fps)
    boxes.csv              video,frame,category,x,y,w,h   (train videos, frame 1-based, pixels)
    sample_submission.csv  video,label        (test ids sorted, label = a placeholder class)
    test_labels.csv        video,label        (hidden ground truth, same order)
    classes.txt            one class name per line, index order

A stick figure on a grass field performs one of five actions: ``run`` (crosses
the frame with swinging legs), ``jump`` (vertical bounces), ``spin`` (rotates
about its centre), ``stand`` (idle, small sway) and ``stand_with_ball``: the
``stand`` motion drawn from the *same* distribution (same RNG stream) plus an
orange ball held in a hand or lying at the feet, so only the ball separates
the two. Class frequencies are imbalanced (``FREQS``). ``boxes.csv`` annotates
``person`` on every ``BOX_EVERY``-th frame of every train video and ``ball`` on
those frames of ``stand_with_ball`` train videos, where the object is visible.

Deterministic for a ``--seed``; each video goes to a temp name then is renamed;
``train.csv`` is written last, and the set is skipped when it exists (``--force``
regenerates everything). The command line is
:mod:`mmsport.cli.make_synthetic_recognition`; in Python, :func:`generate`.
"""
import math
import os
import shutil

import cv2
import numpy as np

from mmsport.utils.atomic import atomic_open

CLASSES = ['run', 'jump', 'spin', 'stand', 'stand_with_ball']
FREQS = [0.40, 0.25, 0.15, 0.12, 0.08]
BALL_BGR = (0, 140, 255)  # orange; no other drawn colour has this hue
FIGURE_BGR = [(235, 235, 235), (200, 80, 30), (120, 40, 20), (150, 50, 120), (30, 30, 30),
              (210, 200, 60)]
BOX_EVERY = 4
FPS = 25
SALT = 0xAC7104


def class_counts(n, freqs=FREQS):
    """Split ``n`` videos over the classes by largest remainder (sums to ``n``)."""
    raw = np.asarray(freqs) * n
    counts = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - counts), kind='stable')[:n - counts.sum()]:
        counts[i] += 1
    return counts


def make_split(rng, n_train, n_test):
    """Unique random hex ids and shuffled imbalanced labels: ``{split: [(id, label)]}``."""
    ids = []
    while len(ids) < n_train + n_test:
        v = f'{int(rng.integers(0, 2**32)):08x}'
        if v not in ids:
            ids.append(v)
    out = {}
    for split, ids_s in (('train', ids[:n_train]), ('test', sorted(ids[n_train:]))):
        labels = np.repeat(CLASSES, class_counts(len(ids_s))).tolist()
        rng.shuffle(labels)
        out[split] = list(zip(ids_s, labels))
    return out


def draw_background(rng, width, height):
    """Tinted grass with mowing stripes, a white field line and static noise (BGR uint8)."""
    base = np.array([50, 140, 60]) + rng.integers(-25, 26, 3) * np.array([1, 0.6, 1])
    img = np.empty((height, width, 3), np.float32)
    img[:] = base
    stripe = max(4, width // int(rng.integers(4, 9)))
    cols = (np.arange(width) // stripe) % 2 == 1
    img[:, cols] *= 0.9
    y = int(rng.integers(height // 5, height - height // 5))
    th = max(1, height // 60)
    if rng.random() < 0.5:
        img[y:y + th] = 230
    else:
        x = int(rng.integers(width // 5, width - width // 5))
        img[:, x:x + th] = 230
    img += rng.normal(0, rng.uniform(2, 6), img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def sample_motion(rng, label, n, width, height):
    """Per-video motion: figure height, colour and (n, 2) foot positions, pose parameters.

    ``stand_with_ball`` samples exactly like ``stand`` (the ball comes from another stream).
    """
    kind = 'stand' if label == 'stand_with_ball' else label
    h = rng.uniform(0.35, 0.55) * height
    m = {'kind': kind, 'h': h, 'colour': FIGURE_BGR[int(rng.integers(len(FIGURE_BGR)))],
         'phase': rng.uniform(0, 2 * math.pi), 'period': rng.uniform(8, 16)}
    t = np.arange(n, dtype=float)
    x0 = rng.uniform(0.3, 0.7) * width
    y0 = rng.uniform(0.6, 0.9) * height
    if kind == 'run':
        span = rng.uniform(0.45, 0.7) * width
        sign = 1 if rng.random() < 0.5 else -1
        xs = width / 2 + sign * (t / max(n - 1, 1) - 0.5) * span
        ys = np.full(n, y0) - 0.04 * h * np.abs(np.sin(2 * math.pi * t / m['period']))
        m['dir'] = sign
    elif kind == 'jump':
        bounce = rng.uniform(0.25, 0.45) * h
        xs = np.full(n, x0)
        ys = y0 - bounce * np.abs(np.sin(math.pi * t / m['period'] + m['phase']))
    elif kind == 'spin':
        m['omega'] = rng.choice([-1, 1]) * rng.uniform(0.25, 0.5)
        xs, ys = np.full(n, x0), np.full(n, y0)
    else:
        amp = rng.uniform(0.02, 0.05) * h
        xs = x0 + amp * np.sin(2 * math.pi * t / (2 * m['period']) + m['phase'])
        ys = np.full(n, y0)
    m['feet'] = np.stack([xs, ys], 1)
    return m


def pose(m, t):
    """Stick-figure joints at frame ``t`` in pixels: dict of name -> (x, y)."""
    h, (fx, fy) = m['h'], m['feet'][t]
    w = 2 * math.pi * t / m['period'] + m['phase']
    swing = {'run': 0.35, 'jump': 0.05, 'spin': 0.1}.get(m['kind'], 0.03) * math.sin(w)
    arm_up = 0.25 if m['kind'] == 'jump' else 0.0
    local = {'head': (0, -0.86), 'neck': (0, -0.74), 'hip': (0, -0.42),
             'hand_l': (-0.2 - swing, -0.5 - arm_up), 'hand_r': (0.2 + swing, -0.5 - arm_up),
             'foot_l': (-0.1 - swing, 0.0), 'foot_r': (0.1 + swing, 0.0)}
    pts = {k: np.array(v) * h for k, v in local.items()}
    if m['kind'] == 'spin':
        a, c = m['omega'] * t, np.array([0, -0.45 * h])
        rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
        pts = {k: rot @ (v - c) + c for k, v in pts.items()}
    return {k: (fx + v[0], fy + v[1]) for k, v in pts.items()}


def draw_figure(img, m, p):
    """Draw the figure; returns its unclipped box (x0, y0, x1, y1)."""
    h, c = m['h'], m['colour']
    th = max(1, int(round(h / 14)))
    r_head = max(2, int(round(0.11 * h)))

    def q(name):
        return int(round(p[name][0])), int(round(p[name][1]))

    for a, b in (('neck', 'hip'), ('neck', 'hand_l'), ('neck', 'hand_r'), ('hip', 'foot_l'),
                 ('hip', 'foot_r')):
        cv2.line(img, q(a), q(b), c, th, cv2.LINE_AA)
    cv2.circle(img, q('head'), r_head, c, -1, cv2.LINE_AA)
    xy = np.array(list(p.values()))
    x0, y0 = xy.min(0) - th / 2
    x1, y1 = xy.max(0) + th / 2
    hx, hy = p['head']
    return (min(x0, hx - r_head), min(y0, hy - r_head), max(x1, hx + r_head),
            max(y1, hy + r_head))


def ball_spec(rng, m):
    """Ball placement for ``stand_with_ball``: (joint, offset in figure heights, radius px)."""
    hand = rng.random() < 0.5
    side = 'l' if rng.random() < 0.5 else 'r'
    sx = -1 if side == 'l' else 1
    r = max(3.0, 0.11 * m['h'])
    if hand:
        return f'hand_{side}', (sx * 0.06, 0.0), r
    return f'foot_{side}', (sx * 0.12, 0.0), r


def draw_ball(img, p, spec, h):
    """Draw the ball next to its joint; returns its unclipped box (x0, y0, x1, y1)."""
    joint, (ox, oy), r = spec
    cx = p[joint][0] + ox * h + (np.sign(ox) * r if ox else 0)
    cy = p[joint][1] + oy * h - (r if joint.startswith('foot') else 0)
    cv2.circle(img, (int(round(cx)), int(round(cy))), int(round(r)), BALL_BGR, -1)
    return cx - r, cy - r, cx + r + 1, cy + r + 1


def clip_box(box, width, height, min_visible=0.5):
    """Clip (x0, y0, x1, y1) to the frame; ``x, y, w, h`` or None when mostly outside."""
    x0, y0, x1, y1 = box
    cx0, cy0, cx1, cy1 = max(0, x0), max(0, y0), min(width, x1), min(height, y1)
    area = (x1 - x0) * (y1 - y0)
    if cx1 - cx0 < 2 or cy1 - cy0 < 2 or (cx1 - cx0) * (cy1 - cy0) < min_visible * area:
        return None
    return round(cx0, 1), round(cy0, 1), round(cx1 - cx0, 1), round(cy1 - cy0, 1)


def render_video(path, label, rngs, frames, width, height):
    """Encode one video of ``frames`` frames of ``width`` x ``height`` (H.264 via a temp
    file); returns boxes ``[(frame, cat, x, y, w, h)]``."""
    import imageio_ffmpeg
    motion_rng, bg_rng, ball_rng = rngs
    m = sample_motion(motion_rng, label, frames, width, height)
    bg = draw_background(bg_rng, width, height)
    ball = ball_spec(ball_rng, m) if label == 'stand_with_ball' else None
    tmp = path + '.tmp'
    writer = imageio_ffmpeg.write_frames(
        tmp, (width, height), pix_fmt_in='bgr24', fps=FPS, codec='libx264', quality=None,
        macro_block_size=2, ffmpeg_log_level='error',
        output_params=['-preset', 'ultrafast', '-crf', '20', '-f', 'mp4'])
    writer.send(None)
    boxes = []
    for t in range(frames):
        img = bg.copy()
        p = pose(m, t)
        objs = [('person', draw_figure(img, m, p))]
        if ball is not None:
            objs.append(('ball', draw_ball(img, p, ball, m['h'])))
        if t % BOX_EVERY == 0:
            for cat, box in objs:
                b = clip_box(box, width, height)
                if b is not None:
                    boxes.append((t + 1, cat) + b)
        writer.send(np.ascontiguousarray(img).tobytes())
    writer.close()
    os.replace(tmp, path)
    return boxes


def write_csv(path, header, rows):
    """Write ``rows`` under ``header`` atomically."""
    with atomic_open(path) as f:
        f.write(','.join(header) + '\n')
        for r in rows:
            f.write(','.join(str(v) for v in r) + '\n')


def generate(out: str = 'data/recognition', *, train: int = 80, test: int = 30,
             frames: int = 32, width: int = 160, height: int = 120, seed: int = 0,
             force: bool = False) -> int:
    """Generate the set under ``out`` (module docstring); returns 0.

    Args:
        train, test: numbers of train (>= 1) and test (>= 0) videos.
        frames: frames per video (25 fps).
        width, height: frame size, even and >= 32.
        seed: the set is deterministic for a seed.
        force: regenerate an existing set (else it is skipped).

    Raises:
        ValueError: a size that is odd or below 32, or a count out of range.
    """
    if width % 2 or height % 2 or width < 32 or height < 32:
        raise ValueError(f'width/height must be even and >= 32, got {width}x{height}')
    if train < 1 or test < 0 or frames < 1:
        raise ValueError('need train >= 1, test >= 0 and frames >= 1')
    if os.path.exists(os.path.join(out, 'train.csv')) and not force:
        print(f'{out}/train.csv exists: synthetic recognition data already there, skipped '
              '(--force to regenerate)')
        return 0
    if force:
        shutil.rmtree(os.path.join(out, 'videos'), ignore_errors=True)
    splits = make_split(np.random.default_rng([seed, SALT]), train, test)
    boxes = []
    for code, split in enumerate(('train', 'test')):
        os.makedirs(os.path.join(out, 'videos', split), exist_ok=True)
        for i, (vid, label) in enumerate(splits[split]):
            rngs = [np.random.default_rng([seed, SALT, code, i, s]) for s in range(3)]
            path = os.path.join(out, 'videos', split, f'{vid}.mp4')
            vboxes = render_video(path, label, rngs, frames, width, height)
            if split == 'train':
                boxes += [(vid,) + b for b in vboxes]
    with atomic_open(os.path.join(out, 'classes.txt')) as f:
        f.write('\n'.join(CLASSES) + '\n')
    write_csv(os.path.join(out, 'boxes.csv'), ['video', 'frame', 'category', 'x', 'y', 'w',
                                                'h'], boxes)
    write_csv(os.path.join(out, 'sample_submission.csv'), ['video', 'label'],
              [(v, CLASSES[0]) for v, _ in splits['test']])
    write_csv(os.path.join(out, 'test_labels.csv'), ['video', 'label'], splits['test'])
    write_csv(os.path.join(out, 'train.csv'), ['video', 'label'], splits['train'])
    counts = dict(zip(CLASSES, class_counts(train).tolist()))
    print(f'synthetic action recognition data ({train} train, {test} test videos, '
          f'train classes {counts}, {len(boxes)} boxes) ready under {out}')
    return 0

