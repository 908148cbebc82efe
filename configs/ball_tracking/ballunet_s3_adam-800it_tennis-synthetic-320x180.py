# Default tennis ball tracker: 3-frame stacks at 1/4 resolution, ~10 min on 2 CPU cores.
_base_ = [
    '../_base_/models/ball_unet.py',
    '../_base_/datasets/tennis_synthetic.py',
    '../_base_/schedules/adam_iter.py',
    '../_base_/default_runtime.py',
]
default_hooks = dict(checkpoint=dict(by_epoch=False, interval=400))
