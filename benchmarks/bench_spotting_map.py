"""Spotting mAP: mmsport's vectorised evaluator vs the SoccerNet reference, same input.

    python benchmarks/bench_spotting_map.py [--gt 3000] [--preds 12000] [--metric at1]

One game (two halves, 25 fps, PASS/DRIVE) with ``--gt`` labels and ``--preds``
predictions; both implementations get the same (T, C) arrays. Prints both
times, their ratio and the largest difference between the results.
"""
import argparse
import time

import numpy as np

from mmsport.evaluation.functional.spotting import DELTAS, average_map, closest_vector


def make_game(n_gt, n_pred, fps=25, classes=2, seed=0):
    rng = np.random.default_rng(seed)
    size = 120 * 60 * fps
    targets, dets = [], []
    for _ in range(2):
        t = np.zeros((size, classes))
        d = np.full((size, classes), -1.0)
        fr = rng.integers(0, 45 * 60 * fps, n_gt // 2)
        t[fr, rng.integers(0, classes, len(fr))] = np.where(rng.random(len(fr)) < 0.9, 1, -1)
        near = np.clip(fr + rng.integers(-15, 16, len(fr)), 0, size - 1)
        far = rng.integers(0, 45 * 60 * fps, n_pred // 2 - len(near))
        pf = np.concatenate([near, far])
        d[pf, rng.integers(0, classes, len(pf))] = rng.random(len(pf))
        targets.append(t)
        dets.append(d)
    return targets, dets


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--gt', type=int, default=3000)
    p.add_argument('--preds', type=int, default=12000)
    p.add_argument('--metric', default='at1', choices=sorted(DELTAS))
    a = p.parse_args()
    from SoccerNet.Evaluation import ActionSpotting as AS
    AS.tqdm = lambda x, *args, **kw: x  # no progress bars inside the timing
    targets, dets = make_game(a.gt, a.preds)
    deltas = DELTAS[a.metric]
    t0 = time.perf_counter()
    closests = [closest_vector(t) for t in targets]
    ref = AS.average_mAP(targets, dets, closests, 25, deltas)
    t1 = time.perf_counter()
    ours = average_map(targets, dets, 25, deltas)
    t2 = time.perf_counter()
    keys = ('a_mAP', 'a_mAP_per_class', 'a_mAP_visible', 'a_mAP_per_class_visible',
            'a_mAP_unshown', 'a_mAP_per_class_unshown')
    diff = max(float(np.max(np.abs(np.asarray(r) - np.asarray(ours[k]))))
               for r, k in zip(ref, keys))
    print(f'game: {a.gt} GT, {a.preds} predictions, metric {a.metric}')
    print(f'SoccerNet reference : {t1 - t0:8.3f} s   a_mAP {ref[0]:.6f}')
    print(f'mmsport             : {t2 - t1:8.3f} s   a_mAP {ours["a_mAP"]:.6f}')
    print(f'speed-up            : {(t1 - t0) / (t2 - t1):8.1f}x   max |difference| {diff:.2e}')


if __name__ == '__main__':
    main()
