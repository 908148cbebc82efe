# The seed's schedule: AdamW 3e-4 (wd 0.01), linear warm-up for 6 epochs from ~0, then
# cosine to 3e-6 over 30 epochs; model EMA 0.999. On a GPU add --amp (AmpOptimWrapper).
warmup_epochs = 6
max_epochs = 36
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_interval=max_epochs)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(type='OptimWrapper',
                     optimizer=dict(type='AdamW', lr=3e-4, weight_decay=0.01))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=warmup_epochs,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=warmup_epochs, end=max_epochs,
         T_max=max_epochs - warmup_epochs, eta_min=3e-6, convert_to_iter_based=True),
]
# mmengine's momentum is 1 - decay
custom_hooks = [dict(type='EMAHook', ema_type='ExponentialMovingAverage', momentum=0.001,
                     update_buffers=True)]
auto_scale_lr = dict(enable=False, base_batch_size=4)
