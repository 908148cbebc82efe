"""Slow-fusion stacker forward pass: ours vs the seed's implementation (timm encoder).

    python benchmarks/bench_stacker_vs_timm.py [--size 640 368] [--batch 1] [--threads 2]
        [--blocks 3] [--iters 2] [--device cpu] [--amp]

The seed builds its 2D encoder with timm (``tf_efficientnetv2_b0``, ``features_only``,
last stage) and puts the same 3D head on it. Here both models are a
``SlowFusionStacker`` (same 3D blocks, projections, GeM and head, same 6,770,547
parameters); only the 2D encoder differs:

* ``seed (timm)``: timm's ``tf_efficientnetv2_b0`` features (timm installed only for
  this benchmark: ``pip install --no-deps timm``; the script says so and stops where
  it is absent);
* ``ours``: the mmpretrain EfficientNetV2-B0 trunk as the project builds it: ``nn.SiLU``
  activations, 2D encoder in channels-last memory format;
* ``ours, NCHW``: the same in the default (NCHW) memory format;
* ``ours, NCHW, Swish``: mmpretrain's default activation, mmcv's ``Swish``
  (``x * sigmoid(x)``: two kernels and a temporary per call, where ``nn.SiLU`` is one
  fused kernel): the model as it was when the issue measured 0.73x.

A profile (torch.profiler, 2D encoder alone) shows the seed's and the NCHW/SiLU
trunk running the same kernels for the same time (convolution ~73%, batch norm ~11%,
SiLU ~9%); the Swish trunk spends the difference in ``sigmoid`` + ``mul``.

The same random (B, 15, H, W) windows go through each model (random weights, eval,
no_grad), timed in alternating blocks so that load changes on a shared machine hit
all alike. Prints windows/s and the ratio of each to the seed's model (>1: faster).
The seed's input is 1280x736; the issue's measurement used 640x368, batch 1, 2 threads.
"""
import argparse
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)


def timm_encoder(stack_size: int):
    """The seed's 2D encoder: timm ``tf_efficientnetv2_b0`` last-stage features,
    (N, k, H, W) -> a one-element list of (N, 192, H/32, W/32) (the stacker takes the
    last element, as of mmpretrain's tuple); None where timm is not installed."""
    try:
        import timm
    except ImportError:
        return None
    return timm.create_model('tf_efficientnetv2_b0', pretrained=False, features_only=True,
                             out_indices=(4, ), in_chans=stack_size, drop_path_rate=0.2)


def build_models():
    """``{name: model}``: the seed's (where timm is installed) and ours."""
    from mmengine.registry import init_default_scope

    import mmsport  # noqa: F401  (registers the models)
    from mmsport.models.spotters.base_window_spotter import DEFAULT_ENCODER_2D
    from mmsport.registry import MODELS
    init_default_scope('mmsport')
    models = {}
    enc = timm_encoder(3)
    if enc is not None:
        # NCHW as the seed runs (channels-last stacks would also speed up timm's convs)
        seed = MODELS.build(dict(type='SlowFusionStacker', channels_last_2d=False))
        seed.encoder_2d = enc
        models['seed (timm)'] = seed
    models['ours'] = MODELS.build(dict(type='SlowFusionStacker'))
    models['ours, NCHW'] = MODELS.build(dict(type='SlowFusionStacker', channels_last_2d=False))
    models['ours, NCHW, Swish'] = MODELS.build(dict(
        type='SlowFusionStacker', channels_last_2d=False,
        encoder_2d=dict(DEFAULT_ENCODER_2D, act_cfg=dict(type='Swish'))))
    return models


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--size', type=int, nargs=2, default=(640, 368), metavar=('W', 'H'))
    p.add_argument('--batch', type=int, default=1)
    p.add_argument('--threads', type=int, default=2, help='torch CPU threads')
    p.add_argument('--blocks', type=int, default=3, help='alternating timing blocks')
    p.add_argument('--iters', type=int, default=2, help='forward passes per model per block')
    p.add_argument('--device', default='cpu')
    p.add_argument('--amp', action='store_true')
    a = p.parse_args(argv)

    import torch

    from alternating_timer import time_alternating
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    dev = torch.device(a.device)
    models = {k: m.to(dev).eval() for k, m in build_models().items()}
    if 'seed (timm)' not in models:
        print('timm is not installed (pip install --no-deps timm): the seed model cannot be '
              'built; nothing to compare')
        return 1
    w, h = a.size
    x = torch.rand(a.batch, 15, h, w, device=dev)  # (B, T, H, W) gray frames in [0, 1]
    with torch.no_grad():
        ref = models['seed (timm)'].forward_logits(x)
        for name, m in models.items():
            assert m.forward_logits(x).shape == ref.shape, name

    runs = {name: (lambda m=m: m.forward_logits(x)) for name, m in models.items()}
    spent = time_alternating(runs, a.blocks, a.iters, a.device, a.amp)
    n = a.blocks * a.iters * a.batch
    print(f'windows of 15 gray frames at {w}x{h}, batch {a.batch}, {n} windows per model, '
          f'device {a.device}, amp {a.amp}, torch threads {torch.get_num_threads()}')
    base = spent['seed (timm)']
    for name, m in models.items():
        params = sum(q.numel() for q in m.parameters())
        print(f'{name:19s}: {n / spent[name]:7.2f} windows/s  {base / spent[name]:5.2f}x the '
              f'seed  ({params:,} parameters)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
