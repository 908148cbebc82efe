"""ReID inference / evaluation speed: mmsport vs plain baselines, ratios from one run.

(a) open-set gallery matching: ``match_gallery`` (one matrix product per chunk
    of queries) vs a Python loop of per-query dot products + argmax;
(b) embedding extraction: mmpretrain ResNet18 + global average pooling on
    128x64 crops, batches of 64 vs one crop at a time;
(c) closed-set ranking: vectorised ``evaluate_rank`` vs torchreid's python
    ``eval_market1501`` (``rank.py`` loaded by path: ``import torchreid``
    fails without gdown).

Run from the repo root: ``OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_reid.py``
(``--quick`` for smaller sizes).
"""
import argparse
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from mmsport.evaluation.functional.reid import evaluate_rank, match_gallery  # noqa: E402


def _best_of(fn, repeat=3):
    best, out = float('inf'), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def load_torchreid_rank():
    """torchreid's ``reid/metrics/rank.py`` as a module, or None."""
    from mmsport.testing.oracles import torchreid_rank
    return torchreid_rank()


def bench_matching(num_q, num_c, dim, rng):
    print(f'== (a) gallery matching, {num_q} queries x {num_c} centroids, D={dim}')
    queries = rng.normal(size=(num_q, dim)).astype(np.float32)
    cents = rng.normal(size=(num_c, dim)).astype(np.float32)
    cents /= np.linalg.norm(cents, axis=1, keepdims=True)
    labels = np.arange(num_c) * 3 + 1

    def naive():
        pred = np.empty(num_q, np.int64)
        for i, q in enumerate(queries):
            sims = cents @ (q / np.linalg.norm(q))
            pred[i] = labels[int(np.argmax(sims))]
        return pred

    t_naive, p_naive = _best_of(naive, 1)
    t_fast, (p_fast, best) = _best_of(lambda: match_gallery(queries, cents, labels))
    differ = np.flatnonzero(p_naive != p_fast)
    # a float32 near-tie between the two best centroids may flip the argmax
    q_n = queries[differ] / np.linalg.norm(queries[differ], axis=1, keepdims=True)
    gap = np.abs(best[differ] - (q_n * cents[(p_naive[differ] - 1) // 3]).sum(1))
    print(f'python loop per query   : {t_naive:8.3f} s')
    print(f'match_gallery           : {t_fast:8.3f} s')
    print(f'speed-up                : {t_naive / t_fast:8.1f}x   labels agree: '
          f'{num_q - len(differ)}/{num_q}'
          + (f' (others: near-ties, max sim gap {gap.max():.1e})' if len(differ) else ''))


class Embedder(torch.nn.Module):
    """mmpretrain ResNet18 + global average pooling of its last stage -> (B, 512)."""

    def __init__(self):
        super().__init__()
        from mmpretrain.models import ResNet
        self.backbone = ResNet(depth=18)

    def forward(self, x):
        return self.backbone(x)[-1].mean(dim=(2, 3))


def bench_extraction(num_batched, num_single, batch):
    print(f'== (b) embedding extraction, mmpretrain ResNet18 + GAP, 128x64 crops '
          f'(torch threads: {torch.get_num_threads()})')
    torch.manual_seed(0)
    model = Embedder().eval()
    crops = torch.rand(num_batched, 3, 128, 64)
    with torch.no_grad():
        model(crops[:2])  # warm-up

        def batched():
            return torch.cat([model(crops[i:i + batch]) for i in range(0, num_batched, batch)])

        def single():
            return torch.cat([model(crops[i:i + 1]) for i in range(num_single)])

        t_b, emb_b = _best_of(batched, 1)
        t_s, emb_s = _best_of(single, 1)
    diff = float((emb_b[:num_single] - emb_s).abs().max())
    print(f'one crop at a time      : {num_single / t_s:8.1f} crops/s ({num_single} crops)')
    print(f'batches of {batch:<3d}          : {num_batched / t_b:8.1f} crops/s '
          f'({num_batched} crops), embedding dim {emb_b.shape[1]}')
    print(f'speed-up                : {(num_batched / t_b) / (num_single / t_s):8.1f}x   '
          f'max |diff| {diff:.1e}')


def bench_rank(num_q, num_g, rng):
    print(f'== (c) evaluate_rank, {num_q} queries x {num_g} gallery (Market-1501 protocol)')
    ref = load_torchreid_rank()
    distmat = rng.random((num_q, num_g))
    q_pids, g_pids = rng.integers(0, 300, num_q), rng.integers(0, 300, num_g)
    q_cam, g_cam = rng.integers(0, 6, num_q), rng.integers(0, 6, num_g)
    args = (distmat, q_pids, g_pids, q_cam, g_cam)
    t_fast, (cmc, mAP) = _best_of(lambda: evaluate_rank(*args, max_rank=50))
    if ref is None:
        print(f'mmsport evaluate_rank   : {t_fast:8.3f} s   (torchreid not installed)')
        return
    t_ref, (cmc_ref, map_ref) = _best_of(lambda: ref.eval_market1501(*args, 50), 1)
    diff = max(float(np.abs(cmc - cmc_ref).max()), abs(mAP - map_ref))
    print(f'torchreid eval_market1501 (python): {t_ref:8.3f} s   mAP {map_ref:.6f}')
    print(f'mmsport evaluate_rank             : {t_fast:8.3f} s   mAP {mAP:.6f}')
    print(f'speed-up                          : {t_ref / t_fast:8.1f}x   '
          f'max |difference| {diff:.1e}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--quick', action='store_true', help='smaller sizes')
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    if args.quick:
        bench_matching(2000, 500, 512, rng)
        bench_extraction(128, 32, 64)
        bench_rank(200, 1000, rng)
    else:
        bench_matching(10000, 1000, 512, rng)
        bench_extraction(512, 64, 64)
        bench_rank(1000, 5000, rng)
    print(f'total {time.perf_counter() - t0:.1f} s')


if __name__ == '__main__':
    main()
