# Second cycle of the fast tracker (run ballunet-s2d2_s3_adam-3000it_..._crop-320x180.py
# first): 6000 more iterations from its weights with a fresh warm-up + cosine cycle at half
# the peak learning rate (9000 in all), as the 640x360-crop chain's second cycle.
_base_ = './ballunet-s2d2_s3_adam-3000it_shuttlecock-640x360_crop-320x180.py'

load_from = 'work_dirs/ballunet-s2d2_s3_adam-3000it_shuttlecock-640x360_crop-320x180/iter_3000.pth'
optim_wrapper = dict(optimizer=dict(lr=1e-3))
max_iters = 6000
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=100),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=100, end=max_iters, eta_min=1e-5),
]
default_hooks = dict(checkpoint=dict(by_epoch=False, interval=2000))
