"""Drawing and encoding for the synthetic soccer generator (:mod:`.soccer`).

Pitch points are in metres (x along the 105 m length, y across the 68 m width). The
whole pitch plus a margin is drawn once at ``s`` pixels per metre; a camera crops
the frame from it, so a pitch point maps to the pixel
``((x + MARGIN) * s - ox, (y + MARGIN) * s - oy - z * s)`` with ``(ox, oy)`` the
crop's top-left corner and ``z`` a height. numpy + cv2 only.
"""
import os

import cv2
import numpy as np

L, W, MARGIN, VIEW_W = 105.0, 68.0, 6.0, 42.0
SKIN = (140, 170, 210)  # BGR
KITS = [(40, 40, 200), (200, 90, 30), (235, 235, 235), (40, 210, 240), (35, 35, 35),
        (160, 60, 150)]
GK_KITS = [(0, 140, 255), (180, 105, 255)]
GRASS = [(60, 140, 55), (50, 125, 70), (70, 150, 60)]


def sprite_size(s):
    """Half width and height in pixels of a person sprite at ``s`` px per metre."""
    return max(1, int(0.45 * s)), max(3, int(1.8 * s))


def to_px(view, x, y, z=0.0):
    """Pixel (float u, v) of pitch point (x, y) at height z in the view (ox, oy, s)."""
    ox, oy, s = view
    return (x + MARGIN) * s - ox, (y + MARGIN) * s - oy - z * s


def draw_pitch(width, grass):
    """Whole pitch (plus margin) at the render scale; returns (image, px per metre)."""
    s = width / VIEW_W
    img = np.empty((int((W + 2 * MARGIN) * s), int((L + 2 * MARGIN) * s), 3), np.uint8)
    img[:] = np.array(grass) * 0.8
    for k in range(20):  # mowing stripes
        x0, x1 = (MARGIN + k * L / 20) * s, (MARGIN + (k + 1) * L / 20) * s
        shade = np.array(grass) * (1.0 if k % 2 else 0.9)
        img[int(MARGIN * s):int((MARGIN + W) * s), int(x0):int(x1)] = shade
    th = max(1, int(round(0.12 * s)))

    def p(x, y):
        return int(round((x + MARGIN) * s)), int(round((y + MARGIN) * s))

    white = (235, 235, 235)
    cv2.rectangle(img, p(0, 0), p(L, W), white, th)
    cv2.line(img, p(L / 2, 0), p(L / 2, W), white, th)
    cv2.circle(img, p(L / 2, W / 2), int(9.15 * s), white, th, cv2.LINE_AA)
    for x, sg in ((0.0, 1), (L, -1)):
        cv2.rectangle(img, p(x, W / 2 - 20.15), p(x + sg * 16.5, W / 2 + 20.15), white, th)
        cv2.rectangle(img, p(x, W / 2 - 9.15), p(x + sg * 5.5, W / 2 + 9.15), white, th)
        cv2.circle(img, p(x + sg * 11, W / 2), th, white, -1)
        cv2.rectangle(img, p(x, W / 2 - 3.66), p(x - sg * 2.0, W / 2 + 3.66), white, th + 1)
    noise = np.random.default_rng(0).normal(0, 3, img.shape)
    return np.clip(img + noise, 0, 255).astype(np.uint8), s


def draw_person(img, u, v, bw, bh, c):
    """Person sprite (shirt, shorts, head) with feet at pixel (u, v); skipped off screen."""
    height, width = img.shape[:2]
    if -bw <= u < width + bw and 0 <= v < height + bh:
        cv2.rectangle(img, (u - bw, v - bh), (u + bw, v - bh // 3), c, -1)
        cv2.rectangle(img, (u - bw, v - bh // 3), (u + bw, v), [x // 3 for x in c], -1)
        cv2.circle(img, (u, v - bh), max(1, bw - 1), SKIN, -1)


def draw_ball(img, xyz, s, ox, oy):
    """The ball (raised over its shadow when in the air)."""
    r_ball = max(1, int(round(0.2 * s)))
    bx, by, bz = xyz
    u, v = (bx + MARGIN) * s - ox, (by + MARGIN) * s - oy
    if bz > 0.1:
        cv2.circle(img, (int(u), int(v)), r_ball, (30, 70, 30), -1)
    r = int(round(r_ball * (1 + bz / 6)))
    cv2.circle(img, (int(u), int(v - bz * s)), r, (250, 250, 250), -1, cv2.LINE_AA)


def camera_offsets(focus, s, size, bg_shape, cuts=()):
    """Top-left crop corners (n, 2) of a camera easing towards ``focus`` (n, 2) metres.

    At a frame in ``cuts`` the camera jumps to the focus (a broadcast cut).
    """
    width, height = size
    cam = focus[0].copy()
    out = np.zeros((len(focus), 2), int)
    for t in range(len(focus)):
        if t in cuts:
            cam = focus[t].copy()
        cam += 0.15 * (focus[t] - cam)
        out[t] = (int(np.clip((cam[0] + MARGIN) * s - width / 2, 0, bg_shape[1] - width)),
                  int(np.clip((cam[1] + MARGIN) * s - height / 2, 0, bg_shape[0] - height)))
    return out


def _writer(tmp, width, height, fps, fmt):
    import imageio_ffmpeg
    writer = imageio_ffmpeg.write_frames(
        tmp, (width, height), pix_fmt_in='bgr24', fps=fps, codec='libx264', quality=None,
        macro_block_size=2, ffmpeg_log_level='error',
        output_params=['-g', '25', '-sc_threshold', '0', '-preset', 'ultrafast', '-crf',
                       '23', '-f', fmt])
    writer.send(None)
    return writer


def render_half(sim, path, width, height, kits, grass, fps):
    """Encode the simulated half to ``path`` (H.264, -g 25) via a temp file.

    ``sim.scene`` (optional, see soccer_v2_events.py) moves the camera and draws extra
    figures and props under and over the players.
    """
    bg, s = draw_pitch(width, grass)
    scene = getattr(sim, 'scene', None)
    if scene is not None:
        scene.decorate(bg, s)
    focus, cuts = (sim.ball[:, :2], ()) if scene is None else (scene.focus, scene.cuts)
    cams = camera_offsets(focus, s, (width, height), bg.shape, cuts)
    colours = [kits[2]] + [kits[0]] * 10 + [kits[3]] + [kits[1]] * 10
    tmp = path + '.tmp'
    writer = _writer(tmp, width, height, fps, 'mp4' if path.endswith('.mp4') else 'matroska')
    bw, bh = sprite_size(s)
    for t in range(sim.n):
        ox, oy = int(cams[t, 0]), int(cams[t, 1])
        img = bg[oy:oy + height, ox:ox + width].copy()
        if scene is not None:
            scene.under(img, t, (ox, oy, s), kits)
        uv = (sim.players[t] + MARGIN) * s - (ox, oy)
        for j in np.argsort(uv[:, 1]):
            draw_person(img, int(uv[j, 0]), int(uv[j, 1]), bw, bh, colours[j])
        draw_ball(img, sim.ball[t], s, ox, oy)
        if scene is not None:
            scene.over(img, t, (ox, oy, s))
        writer.send(np.ascontiguousarray(img).tobytes())
    writer.close()
    os.replace(tmp, path)


def verify_video(path, n_frames):
    """Re-open with decord and cv2; raise if the frame count is off."""
    import decord
    n, cap = len(decord.VideoReader(path)), cv2.VideoCapture(path)
    ok = cap.read()[0]
    cap.release()
    if n != n_frames or not ok:
        raise RuntimeError(f'{path}: decord reads {n} frames (expected {n_frames}), '
                           f'cv2 first frame ok={ok}')
