"""Ball-action training loader: cached window decoding vs one decord open+seek per window.

    python benchmarks/bench_soccer_loader.py [--seconds 60] [--windows 400]

A synthetic SoccerNet game (mmsport.testing.synthetic.soccer, 2 halves,
320x184, H.264 with a keyframe every 25 frames) goes into a temp dir. The
action-weighted ``SoccerWindowSampler`` draws one epoch of training windows
(15 frames every 2, seed fixed); both loaders serve the *same* window ids in
the sampler's order, in this process (no DataLoader workers), through the same
target / flip / pack steps:

(a) ours: ``SoccerNetBallDataset[i]`` with ``LoadSoccerWindow`` (open readers,
    frame cache, ``--decode-span`` auto: whole keyframe-aligned chunks while
    the videos fit in ``--cache-mb``, else only missing frames), from an
    empty cache;
(b) naive: per window a fresh ``decord.VideoReader`` + ``get_batch`` of the
    window's frames + gray conversion, no cache.

Prints both windows/s and the ratio (goal >= 3x); frames decoded per window
show where the gain comes from. ``--cache-mb 2`` shows the no-reuse regime
(long real halves, where a cache holds a tiny part of the data); ``--group-size 4`` adds
the sampler's neighbour groups, which bring the reuse back there. All figures come from
this run; on a shared machine only the ratios are meaningful. Both loaders are timed in alternating
blocks so that load changes from other processes hit both alike. CPU time
counts every thread of this process: decord decodes ahead on a background
thread after each ``get_batch`` (wall time hides it on a multi-core machine,
a DataLoader with one worker per core does not), so both ratios are printed.
"""
import argparse
import os
import sys
import tempfile
import time

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)


def make_data(root, seconds, width, height):
    from mmsport.cli import make_synthetic_soccer as gen
    gen.main(['--out', root, '--games', '1', '--seconds-per-half', str(seconds),
              '--width', str(width), '--height', str(height), '--no-verify'])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--seconds', type=float, default=60.0, help='seconds per half')
    p.add_argument('--width', type=int, default=320)
    p.add_argument('--height', type=int, default=184)
    p.add_argument('--windows', type=int, default=400, help='sampled windows (one epoch)')
    p.add_argument('--blocks', type=int, default=4, help='alternating timing blocks')
    p.add_argument('--cache-mb', type=float, default=512.0, help='LoadSoccerWindow cache')
    p.add_argument('--decode-span', default='auto', choices=['auto', 'chunk', 'window'])
    p.add_argument('--max-open-videos', type=int, default=1)
    p.add_argument('--group-size', type=int, default=1,
                   help='SoccerWindowSampler group_size (neighbouring windows drawn together)')
    p.add_argument('--data', default=None, help='existing data root (skip generation)')
    a = p.parse_args(argv)

    import mmsport  # noqa: F401
    from mmengine.registry import init_default_scope
    from mmsport.datasets.samplers import SoccerWindowSampler
    from mmsport.datasets.soccernet_ball_dataset import SoccerNetBallDataset
    from mmsport.datasets.transforms.soccer_window_transforms import (
        PackSoccerWindowInputs, RandomHorizontalFlipWindow, SoccerWindowTarget, decode_gray,
        open_video, window_indices)
    init_default_scope('mmsport')

    tmp = None
    if a.data is None:
        tmp = tempfile.TemporaryDirectory(prefix='bench_soccer_')
        a.data = tmp.name
        print(f'generating 1 game x 2 halves x {a.seconds:g} s at {a.width}x{a.height} ...')
        make_data(a.data, a.seconds, a.width, a.height)

    pipeline = [dict(type='LoadSoccerWindow', cache_mb=a.cache_mb, decode_span=a.decode_span,
                     max_open_videos=a.max_open_videos),
                dict(type='SoccerWindowTarget'),
                dict(type='RandomHorizontalFlipWindow', prob=0.5),
                dict(type='PackSoccerWindowInputs')]
    ds = SoccerNetBallDataset(a.data, pipeline=pipeline, samples_per_epoch=a.windows, seed=0)
    ids = list(SoccerWindowSampler(ds, group_size=a.group_size))
    loader = ds.pipeline.transforms[0]
    rest = [SoccerWindowTarget(), RandomHorizontalFlipWindow(0.5), PackSoccerWindowInputs()]

    def ours(i):
        return ds[i]

    def naive(i):
        info = ds.get_data_info(i)
        inds = window_indices(info['frame'], info['num_frames'], info['frame_step'],
                              info['n_frames'])
        uniq, inv = np.unique(inds, return_inverse=True)
        vr = open_video(info['video'], info['input_size'], 1)
        info['imgs'] = decode_gray(vr, uniq, info['video'])[inv]  # (T, H, W)
        for t in rest:
            info = t(info)
        return info

    # check both give the same frames (flip off) before timing
    for i in ids[:5]:
        x = ds.pipeline.transforms[0](ds.get_data_info(i))['imgs']
        info = ds.get_data_info(i)
        inds = window_indices(info['frame'], 15, 2, info['n_frames'])
        uniq, inv = np.unique(inds, return_inverse=True)
        y = decode_gray(open_video(info['video'], None), uniq)[inv]
        assert np.array_equal(x, y), 'cached and direct frames differ'
    loader._init_state()  # timed run starts from an empty cache

    t_ours = t_naive = c_ours = c_naive = 0.0  # wall and CPU (all threads) seconds
    for blk in np.array_split(np.arange(len(ids)), a.blocks):
        t0, c0 = time.perf_counter(), time.process_time()
        for k in blk:
            ours(ids[k])
        t1, c1 = time.perf_counter(), time.process_time()
        for k in blk:
            naive(ids[k])
        t_ours, c_ours = t_ours + t1 - t0, c_ours + c1 - c0
        t_naive += time.perf_counter() - t1
        c_naive += time.process_time() - c1
    n = len(ids)
    st = loader.stats
    print(f'windows: {n} (sampler order, group size {a.group_size}, {ds.num_halves} halves, '
          f'{int(ds.get_data_info(0)["n_frames"])} frames each, T=15 step 2)')
    print(f'naive  (open + get_batch per window): {n / t_naive:8.1f} windows/s, '
          f'{1e3 * c_naive / n:5.1f} ms CPU/window; decodes the 29-frame span + GOP '
          'prefix every window')
    print(f'ours   (LoadSoccerWindow, {a.decode_span}, {a.cache_mb:g} MiB): '
          f'{n / t_ours:8.1f} windows/s, {1e3 * c_ours / n:5.1f} ms CPU/window; '
          f'{st["decoded_frames"] / n:.1f} frames decoded/window, '
          f'{st["decode_calls"]} get_batch calls')
    print(f'ratio ours/naive: {t_naive / t_ours:.2f}x windows/s (goal >= 3x), '
          f'{c_naive / c_ours:.2f}x less CPU per window')
    if tmp is not None:
        tmp.cleanup()


if __name__ == '__main__':
    main()
