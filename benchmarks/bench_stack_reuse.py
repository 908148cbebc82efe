"""Whole-half stacker inference: each 2D stack encoded once vs every window through the model.

    python benchmarks/bench_stack_reuse.py [CONFIG] [--frames 96] [--size W H]
        [--batch 16] [--stride 1] [--flip-tta] [--blocks 2] [--device cpu]

``SpottingStreamer`` scores the same stream of random gray frames two ways, in
alternating blocks (so that load changes on a shared machine hit both alike):

(a) window by window (``reuse_stacks=False``): every window of T frames goes
    through the whole model, its T / k stacks through the 2D encoder;
(b) stack reuse (default): each stack is encoded once and its features cached
    (``StackFeatureCache``); only the 3D head runs per window.

The model is the config's (random weights, eval mode); window settings (T,
frame step, input size) come from it (default: the synthetic 160x96 slow-fusion
config, the seed's 15 frames in stacks of 3 at step 2). Prints seconds of each,
the ratio (a) / (b) and the largest score difference. Set ``OMP_NUM_THREADS``
to choose the torch threads.
"""
import argparse
import os
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
DEFAULT_CONFIG = os.path.join(REPO, 'configs/ball_action/'
                              'slowfusion_effv2b0_adamw-6e_soccer-synthetic-160x96.py')


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('config', nargs='?', default=DEFAULT_CONFIG)
    p.add_argument('--frames', type=int, default=96, help='frames of the stream')
    p.add_argument('--size', type=int, nargs=2, metavar=('W', 'H'),
                   help='input size (default: the config\'s)')
    p.add_argument('--batch', type=int, default=16, help='windows per forward pass')
    p.add_argument('--stride', type=int, default=1, help='a window every stride frames')
    p.add_argument('--flip-tta', action='store_true')
    p.add_argument('--blocks', type=int, default=2, help='alternating timing blocks')
    p.add_argument('--device', default='cpu')
    return p.parse_args(argv)


def build(cfg_path: str, device: str):
    """(model in eval mode with random weights, window settings) of a config."""
    import torch
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    import mmsport  # noqa: F401  (registers the models)
    from mmsport.apis.spotting import spotting_io_settings
    from mmsport.registry import MODELS
    init_default_scope('mmsport')
    cfg = Config.fromfile(cfg_path)
    torch.manual_seed(0)
    return MODELS.build(cfg.model).to(device).eval(), spotting_io_settings(cfg)


def random_frames(n: int, w: int, h: int):
    """n (h, w) uint8 gray frames, smooth blobs + noise (already at the model size)."""
    import numpy as np
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:h, 0:w]
    frames = []
    for i in range(n):
        blob = 200 * np.exp(-((xx - (i * 3) % w) ** 2 + (yy - h / 2) ** 2) / (2 * 8.0 ** 2))
        frames.append((blob + rng.integers(0, 40, (h, w))).clip(0, 255).astype(np.uint8))
    return frames


def main(argv=None):
    a = parse_args(argv)
    import numpy as np
    import torch

    from mmsport.apis.spotting import SpottingStreamer
    model, io = build(a.config, a.device)
    w, h = a.size or io['input_size'] or (160, 96)
    frames = random_frames(a.frames, w, h)
    kw = dict(batch_size=a.batch, flip_tta=a.flip_tta, stride=a.stride)
    t, step = io['num_frames'], io['frame_step']
    streamers = {
        'window by window': SpottingStreamer(model, t, step, (w, h), reuse_stacks=False, **kw),
        'stack reuse': SpottingStreamer(model, t, step, (w, h), **kw),
    }
    assert streamers['stack reuse'].reuses == [True]

    def timed(streamer):
        t0 = time.perf_counter()
        scores = streamer.run_frames(frames)
        if a.device.startswith('cuda'):
            torch.cuda.synchronize()
        return time.perf_counter() - t0, scores

    for s in streamers.values():  # warm-up (allocator, oneDNN / cuDNN kernel choice)
        s.run_frames(frames[:t * step])
    spent = dict.fromkeys(streamers, 0.0)
    scores = {}
    for _ in range(a.blocks):
        for name, s in streamers.items():
            dt, scores[name] = timed(s)
            spent[name] += dt
    n_windows = len(set(range(0, a.frames, a.stride)) | {a.frames - 1})
    cache = streamers['stack reuse'].caches[0]
    print(f'{a.frames} frames at {w}x{h}, windows of {t} frames (stacks of {model.stack_size}, '
          f'step {step}), stride {a.stride}, batch {a.batch}, flip TTA {a.flip_tta}, '
          f'device {a.device}, torch threads {torch.get_num_threads()}, '
          f'{sum(p.numel() for p in model.parameters()):,} parameters, {a.blocks} blocks')
    print(f'window by window : {spent["window by window"]:8.2f} s  '
          f'({n_windows * model.num_stacks} stacks encoded a run)')
    print(f'stack reuse      : {spent["stack reuse"]:8.2f} s  '
          f'({cache.encoded} stacks encoded a run, at most {cache.peak} held)')
    diff = np.abs(scores['window by window'] - scores['stack reuse']).max()
    print(f'ratio            : {spent["window by window"] / spent["stack reuse"]:8.2f}x faster '
          f'(goal >= 2.5x); max |score difference| {diff:.1e}')


if __name__ == '__main__':
    main()
