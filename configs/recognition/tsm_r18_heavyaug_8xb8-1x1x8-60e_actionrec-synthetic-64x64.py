# CPU variant of model 1 on the synthetic set (tools/data/recognition/make_synthetic.py):
# ResNet18-TSM from scratch at 64x64 (an R50 from scratch is too slow to train on 2 CPU cores),
# 60 short epochs, Adam. Whole frames resized to 64x64 instead of crops: the figure can be
# anywhere in the frame, and a crop would cut it off.
_base_ = './tsm_r50_heavyaug_8xb8-1x1x8-50e_actionrec-rawframes.py'
input_size = 64
model = dict(backbone=dict(depth=18, norm_eval=False),
             cls_head=dict(in_channels=512, dropout_ratio=0.3))
_resize = dict(type='Resize', scale=(input_size, input_size), keep_ratio=False)
train_pipeline = [
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=8),
    dict(type='CheckedRawFrameDecode'), _resize,
    dict(type='Flip', flip_ratio=0.5),
    # hue stays 0: mmaction 1.2's ColorJitter adds a negative int to a uint8 array for hue
    # shifts, which numpy 2 rejects (OverflowError)
    dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4, hue=0),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs', meta_keys={{_base_.meta_keys}}),
]
val_pipeline = [
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=8, test_mode=True),
    dict(type='CheckedRawFrameDecode'), _resize,
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs', meta_keys={{_base_.meta_keys}}),
]
test_pipeline = val_pipeline
train_dataloader = dict(num_workers=1, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(num_workers=1, dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(num_workers=1, dataset=dict(pipeline=test_pipeline))
max_epochs = 60
train_cfg = dict(max_epochs=max_epochs, val_begin=max_epochs, val_interval=max_epochs)
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=max_epochs, T_max=max_epochs,
         eta_min=1e-5),
]
optim_wrapper = dict(_delete_=True, type='OptimWrapper',
                     optimizer=dict(type='Adam', lr=2e-3, weight_decay=1e-4),
                     clip_grad=dict(max_norm=20, norm_type=2))
default_hooks = dict(checkpoint=dict(interval=max_epochs, max_keep_ckpts=1),
                     logger=dict(interval=8))
