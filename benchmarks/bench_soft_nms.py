"""Soft-NMS cost on one 45-minute half at 2 fps: vectorised ``soft_nms`` vs naive loops.

    python benchmarks/bench_soft_nms.py [--minutes 45] [--fps 2] [--classes 17]
        [--window 20] [--threshold 0.001] [--events 40] [--seed 0]

Scores: a low random background (Beta(1, 60), mean ~0.016) plus ``--events``
Gaussian bumps (sigma 2 timesteps, height 0.3..1) per class. Three
implementations get the same (T, C) array, in the same run:

* ``naive python``: one class at a time, Python lists: the max is found by a
  scan of the class's T values and the decay is a per-frame Python loop;
* ``naive numpy``: one class at a time, ``np.argmax`` over T then a vectorised
  stencil (the eztorch ``perform_soft_NMS`` loop);
* ``mmsport soft_nms``: all classes at once, block maxima (see its docstring).

Prints the times, the ratios and whether the kept (t, c, score) sets are equal
(exactly: same float64 operations in the same order).
"""
import argparse
import math
import time

import numpy as np

from mmsport.models.postprocess import soft_nms


def make_scores(n, n_cls, events, seed):
    rng = np.random.default_rng(seed)
    s = rng.beta(1.0, 60.0, size=(n, n_cls))
    t = np.arange(n)
    for c in range(n_cls):
        for f, h in zip(rng.integers(0, n, events), rng.uniform(0.3, 1.0, events)):
            s[:, c] = np.maximum(s[:, c], h * np.exp(-0.5 * ((t - f) / 2.0) ** 2))
    return s.astype(np.float32)


def naive_python(scores, window, threshold, min_weight=0.0):
    """Per class, per kept timestep, per frame: plain Python lists."""
    n, n_cls = scores.shape
    radius = window / 2.0
    r = math.ceil(radius)
    out = []
    for c in range(n_cls):
        v = [float(x) for x in scores[:, c]]
        while True:
            best = max(v)
            if best < threshold:
                break
            i = v.index(best)
            out.append((i, c, best))
            for j in range(max(i - r, 0), min(i + r + 1, n)):
                v[j] *= min(max(min_weight + (1.0 - min_weight) * abs((j - i) / radius), 0.0),
                            1.0)
            v[i] = -1.0
    out.sort()
    return out


def naive_numpy(scores, window, threshold, min_weight=0.0):
    """Per class, per kept timestep: np.argmax over T, then a vectorised stencil."""
    n, n_cls = scores.shape
    radius = window / 2.0
    r = math.ceil(radius)
    out = []
    for c in range(n_cls):
        v = scores[:, c].astype(np.float64)
        i = int(np.argmax(v))
        while v[i] >= threshold:
            out.append((i, c, float(v[i])))
            j = np.arange(max(i - r, 0), min(i + r + 1, n))
            v[j] *= np.clip(min_weight + (1.0 - min_weight) * np.abs((j - i) / radius), 0, 1)
            v[i] = -1.0
            i = int(np.argmax(v))
    out.sort()
    return out


def timed(fn, repeat=1):
    best, res = float('inf'), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        res = fn()
        best = min(best, time.perf_counter() - t0)
    return best, res


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--minutes', type=float, default=45)
    p.add_argument('--fps', type=float, default=2)
    p.add_argument('--classes', type=int, default=17)
    p.add_argument('--window', type=float, default=20)
    p.add_argument('--threshold', type=float, default=0.001)
    p.add_argument('--events', type=int, default=40)
    p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()
    s = make_scores(int(a.minutes * 60 * a.fps), a.classes, a.events, a.seed)
    print(f'scores {s.shape} (T, C), window {a.window:g} timesteps, '
          f'threshold {a.threshold:g}')
    t_vec, res = timed(lambda: soft_nms(s, a.window, a.threshold), repeat=3)
    ours = [(int(t), int(c), float(v)) for t, c, v in zip(*res)]
    t_py, ref_py = timed(lambda: naive_python(s, a.window, a.threshold))
    t_np, ref_np = timed(lambda: naive_numpy(s, a.window, a.threshold))
    per_class = np.bincount(res[1], minlength=a.classes)
    print(f'kept: {len(ours)} spots ({per_class.min()}..{per_class.max()} per class)')
    print(f'naive python (per frame) : {t_py:8.3f} s   equal: {ref_py == ours}')
    print(f'naive numpy (per class)  : {t_np:8.3f} s   equal: {ref_np == ours}')
    print(f'mmsport soft_nms         : {t_vec:8.3f} s   (best of 3)')
    print(f'speed-up vs naive python : {t_py / t_vec:8.1f}x')
    print(f'speed-up vs naive numpy  : {t_np / t_vec:8.1f}x')


if __name__ == '__main__':
    main()
