# Stage 2 of a two-stage recipe: the tiny tracker trained at 320x180
# (ballunet_s3_adam-1500it_shuttlecock-320x180.py, run that first) fine-tuned at
# TrackNet's 512x288 input for 200 iterations. The U-Net is fully convolutional, so
# the weights carry over; the input scale changes by 1.6x, hence a short re-fit rather
# than a from-scratch run at 512x288 (~3x the compute per iteration of 320x180).
_base_ = './ballunet_s3_adam-1500it_shuttlecock-512x288.py'

load_from = 'work_dirs/ballunet_s3_adam-1500it_shuttlecock-320x180/iter_1500.pth'
max_iters = 200
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
optim_wrapper = dict(optimizer=dict(lr=1e-3))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=20),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=20, end=max_iters, eta_min=1e-5),
]
default_hooks = dict(checkpoint=dict(by_epoch=False, interval=100))
