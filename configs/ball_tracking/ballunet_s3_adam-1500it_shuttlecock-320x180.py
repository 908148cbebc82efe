# Ball tracking on real footage: 27 broadcast badminton rallies (1280x720, 30 fps),
# trained straight from the mp4s on a CPU; 6 rallies held out (the base's fixed split).
# README "Ball tracking on real footage" has the measured held-out numbers.
_base_ = [
    '../_base_/models/ball_unet.py',
    '../_base_/datasets/shuttlecock_video_csv.py',
    '../_base_/schedules/adam_iter.py',
    '../_base_/default_runtime.py',
]
max_iters = 1500
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
# (restated: a base's schedule is resolved with the base's max_iters)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=100),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=100, end=max_iters, eta_min=1e-5),
]
default_hooks = dict(checkpoint=dict(by_epoch=False, interval=500))
