# Fast tracker (toward real time on a CPU): the shipped model's widths (8-16-32-64) behind a
# space-to-depth stem (BallUNet space_to_depth=2): each 2x2 block of the 640x360 input folds
# into channels, the U-Net runs at 320x180 and its four logit channels unfold back into a
# 640x360 heatmap.
# About a quarter of the compute of the 640x360 model for the same input and output
# resolution. Same data and crops as the 640x360-crop chain, one 3000-iteration cycle.
_base_ = './ballunet_s3_adam-1500it_shuttlecock-640x360_crop-320x180.py'

model = dict(backbone=dict(space_to_depth=2))
max_iters = 3000
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=100),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=100, end=max_iters, eta_min=1e-5),
]
default_hooks = dict(checkpoint=dict(by_epoch=False, interval=1000))
