# The seed's schedule: lr 1e-4, weight decay 1e-5, 12 epochs (cosine decay).
# On a GPU add --amp (AmpOptimWrapper).
max_epochs = 12
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_interval=max_epochs)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(type='OptimWrapper',
                     optimizer=dict(type='AdamW', lr=1e-4, weight_decay=1e-5))
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=max_epochs, T_max=max_epochs,
         eta_min=1e-6, convert_to_iter_based=True),
]
auto_scale_lr = dict(enable=False, base_batch_size=32)
