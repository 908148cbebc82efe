"""Slow-fusion stacker forward throughput vs its own 2D encoder and the early-fusion baseline.

    python benchmarks/bench_stacker_throughput.py [--size 640 368] [--batch 2] [--blocks 3]
        [--iters 2] [--device cpu] [--amp]

The same random (B, 15, H, W) windows go through three models (random weights, eval
mode, no_grad), timed in alternating blocks so that load changes on a shared machine
hit all three alike:

(a) ``SlowFusionStacker`` at the seed's defaults (15 gray frames in 5 stacks of 3,
    EfficientNetV2-B0 2D encoder, 4 inverted-residual 3D blocks, GeM, linear head);
(b) its 2D encoder alone on the B*5 stacks: the floor; (a) / (b) is what the 3D part,
    projections and head add;
(c) ``EarlyFusion2D``: one EfficientNetV2-B0 pass with the 15 frames as channels.

Prints windows/s of each and the ratios; absolute numbers on a shared CPU are noise.
``--amp`` runs under autocast (bfloat16 on CPU, float16 on CUDA), as training with
``AmpOptimWrapper`` does. The seed's input is 1280x736 (``--size 1280 736``).
"""
import argparse
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--size', type=int, nargs=2, default=(640, 368), metavar=('W', 'H'))
    p.add_argument('--batch', type=int, default=2)
    p.add_argument('--blocks', type=int, default=3, help='alternating timing blocks')
    p.add_argument('--iters', type=int, default=2, help='forward passes per model per block')
    p.add_argument('--device', default='cpu')
    p.add_argument('--amp', action='store_true')
    a = p.parse_args(argv)

    import torch
    from mmengine.registry import init_default_scope

    import mmsport  # noqa: F401  (registers the models)
    from alternating_timer import time_alternating
    from mmsport.registry import MODELS
    init_default_scope('mmsport')
    torch.manual_seed(0)
    dev = torch.device(a.device)
    slow = MODELS.build(dict(type='SlowFusionStacker')).to(dev).eval()
    early = MODELS.build(dict(type='EarlyFusion2D', num_frames=15)).to(dev).eval()
    w, h = a.size
    x = torch.rand(a.batch, 15, h, w, device=dev)  # (B, T, H, W) gray frames in [0, 1]
    stacks = x.reshape(a.batch * slow.num_stacks, slow.stack_size, h, w)  # (B*S, 3, H, W)
    runs = {
        'slow fusion stacker': lambda: slow.forward_logits(x),
        '  its 2D encoder alone': lambda: slow.encoder_2d(stacks),
        'early fusion 2D': lambda: early.forward_logits(x),
    }
    spent = time_alternating(runs, a.blocks, a.iters, a.device, a.amp)
    n = a.blocks * a.iters * a.batch
    params = {'slow fusion stacker': slow, 'early fusion 2D': early}
    print(f'windows of 15 gray frames at {w}x{h}, batch {a.batch}, {n} windows per model, '
          f'device {a.device}, amp {a.amp}, torch threads {torch.get_num_threads()}')
    for name in runs:
        extra = ''
        if name in params:
            extra = f'  ({sum(q.numel() for q in params[name].parameters()):,} parameters)'
        print(f'{name:24s}: {n / spent[name]:8.2f} windows/s{extra}')
    s, e2d, e = (spent[k] for k in runs)
    print(f'ratio slow fusion / its 2D encoder alone : {s / e2d:.2f}x the time '
          '(3D blocks, projections and head on top)')
    print(f'ratio slow fusion / early fusion         : {s / e:.2f}x the time')


if __name__ == '__main__':
    main()
