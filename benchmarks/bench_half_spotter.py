"""Whole-half transformer spotting: HalfSpotter (each frame decoded and encoded once) vs
the window-by-window way (every sliding window decoded and run through the whole model).

    python benchmarks/bench_half_spotter.py [--seconds 120] [--window 16] [--stride 8]
        [--size 64] [--threads 1]

Writes one synthetic half (``tools/data/soccer/make_synthetic.py``, 224x128, 25 fps) to
a temporary folder and builds the ViViT-tiny spotter of the synthetic config
(DeiT-tiny at ``--size``, 6 temporal layers, random weights). Both ways score the
same 2 fps timesteps:

* ``per window``: for each window start (the val/test dataset's starts) decode its
  T frames with decord (no cache) and run the full model on (1, T, 3, H, W), then
  merge windows by max - what the mmengine test loop does, one window at a time;
* ``HalfSpotter``: decode the half's frames once, in order, encode each once with
  the spatial ViT, then run only the temporal transformer + head per window.

Prints both times, their ratio, the frames decoded / encoded by each, the most
frames HalfSpotter held at once, and the largest score difference (same model,
same frames: float rounding only).
"""
import argparse
import os
import tempfile
import time

import numpy as np
import torch


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--seconds', type=int, default=120)
    p.add_argument('--window', type=float, default=16.0, help='window seconds')
    p.add_argument('--stride', type=float, default=8.0, help='stride seconds')
    p.add_argument('--size', type=int, default=64, help='frame size (square)')
    p.add_argument('--threads', type=int, default=1)
    return p.parse_args()


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    from mmengine.registry import init_default_scope

    import mmsport  # noqa: F401
    from mmsport.apis.transformer_spotting import HalfSpotter, window_starts
    from mmsport.fileio.soccernet import game_videos, list_games
    from mmsport.datasets.transforms.soccer_clip_transforms import (decode_rgb, half_timesteps,
                                                                    timestep_frames)
    from mmsport.datasets.transforms.soccer_window_transforms import open_video
    from mmsport.models.postprocess import merge_windows
    from mmsport.registry import MODELS
    from mmsport.testing import make_tiny_soccer_data
    init_default_scope('mmsport')
    fps, size = 2.0, (args.size, args.size)
    with tempfile.TemporaryDirectory() as tmp:
        make_tiny_soccer_data(tmp, seconds=args.seconds, width=224, height=128)
        video = game_videos(os.path.join(tmp, list_games(tmp)[0]))[1]
        T = int(round(args.window * fps))
        torch.manual_seed(0)
        model = MODELS.build(dict(
            type='ViViTSpotter', num_classes=7, num_timesteps=T,
            spatial_encoder=dict(type='VisionTransformer', arch='deit-tiny', img_size=args.size,
                                 patch_size=16, out_type='cls_token',
                                 _scope_='mmpretrain'))).eval()
        spotter = HalfSpotter(model, fps=fps, window_seconds=args.window,
                              stride_seconds=args.stride, input_size=size)

        t0 = time.perf_counter()
        fast = spotter.run(video)
        t_fast = time.perf_counter() - t0

        t0 = time.perf_counter()
        reader = open_video(video, size)
        n_frames, vfps = len(reader), reader.get_avg_fps()
        n_t = half_timesteps(n_frames, vfps, fps)
        starts = window_starts(n_t, T, spotter.stride)
        scores = []
        with torch.no_grad():
            for s in starts:
                idx = timestep_frames(s, T, fps, vfps, n_frames)
                rgb = decode_rgb(open_video(video, size), np.unique(idx), video)
                rgb = rgb[np.searchsorted(np.unique(idx), idx)]
                x = torch.from_numpy(np.ascontiguousarray(rgb.transpose(0, 3, 1, 2)))
                x = model.data_preprocessor(dict(inputs=[x], data_samples=None))['inputs']
                scores.append(model(x, mode='tensor').sigmoid()[0].numpy())
        slow = merge_windows(scores, starts, n_t, margin=0)
        t_slow = time.perf_counter() - t0

    print(f'half of {args.seconds} s: {n_t} timesteps at {fps:g} fps, {len(starts)} windows of '
          f'{T} every {spotter.stride}, {args.size}x{args.size}, {args.threads} thread(s)')
    print(f'per window  : {t_slow:7.2f} s  ({len(starts) * T} frames decoded and encoded)')
    print(f'HalfSpotter : {t_fast:7.2f} s  ({n_t} frames decoded and encoded, at most '
          f'{spotter.peak_frames} held at once)')
    print(f'ratio       : {t_slow / t_fast:.2f}x faster; max |score difference| = '
          f'{np.abs(slow - fast).max():.2e}')


if __name__ == '__main__':
    main()
