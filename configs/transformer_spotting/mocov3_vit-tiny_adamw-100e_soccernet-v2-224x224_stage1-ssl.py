# Stage 1: self-supervised pretraining of the spatial transformer with mmpretrain's MoCoV3
# (the siamese momentum-encoder family SCE builds on) on single frames of the training
# halves at 2 fps: two augmented views per frame. The backbone is the spotter's DeiT-tiny
# (MoCoV3ViT is mmpretrain's VisionTransformer with MoCo-v3 initialisation), so
# stage 2 loads it with model.pretrained_spatial=<this checkpoint> (prefix 'backbone.').
_base_ = ['./vivit-tiny_adamw-30e_soccernet-v2-224x224_base.py']
img_size = 224
# hue 0: mmcv's adjust_hue overflows uint8 under numpy 2 for negative hue shifts
_jitter = dict(type='RandomApply', prob=0.8, transforms=[
    dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.2, hue=0.0)])
_gray = dict(type='RandomGrayscale', prob=0.2, keep_channels=True,
             channel_weights=(0.114, 0.587, 0.2989))
_crop = dict(type='RandomResizedCrop', scale=img_size, crop_ratio_range=(0.2, 1.0),
             backend='pillow')
view_pipeline1 = [_crop, _jitter, _gray,
                  dict(type='GaussianBlur', magnitude_range=(0.1, 2.0), magnitude_std='inf',
                       prob=1.0),
                  dict(type='RandomFlip', prob=0.5)]
view_pipeline2 = [_crop, _jitter, _gray,
                  dict(type='GaussianBlur', magnitude_range=(0.1, 2.0), magnitude_std='inf',
                       prob=0.1),
                  dict(type='Solarize', thr=128, prob=0.2), dict(type='RandomFlip', prob=0.5)]
train_pipeline = [
    dict(type='LoadSoccerClip'),
    dict(type='SoccerClipToImage'),  # (H, W, 3) RGB
    dict(type='MultiView', num_views=[1, 1], transforms=[view_pipeline1, view_pipeline2],
         _scope_='mmpretrain'),
    dict(type='PackInputs', _scope_='mmpretrain'),
]
# one timestep windows = single frames, drawn uniformly over the halves
train_dataloader = dict(
    batch_size=256, collate_fn=dict(type='default_collate'),
    dataset=dict(window_seconds=0.5, samples_per_epoch=50000, pipeline=train_pipeline))
val_dataloader = None
val_cfg = None
val_evaluator = None
test_dataloader = None
test_cfg = None
test_evaluator = None

temperature = 0.2
model = dict(
    _delete_=True,
    type='MoCoV3',
    _scope_='mmpretrain',
    data_preprocessor=dict(type='SelfSupDataPreprocessor', mean=[123.675, 116.28, 103.53],
                           std=[58.395, 57.12, 57.375], to_rgb=False),  # frames are RGB
    base_momentum=0.01,
    backbone=dict(type='MoCoV3ViT', arch='deit-tiny', img_size=img_size, patch_size=16,
                  stop_grad_conv1=True),
    neck=dict(type='NonLinearNeck', in_channels=192, hid_channels=4096, out_channels=256,
              num_layers=3, with_bias=False, with_last_bn=True, with_last_bn_affine=False,
              with_last_bias=False, with_avg_pool=False),
    head=dict(type='MoCoV3Head',
              predictor=dict(type='NonLinearNeck', in_channels=256, hid_channels=4096,
                             out_channels=256, num_layers=2, with_bias=False,
                             with_last_bn=True, with_last_bn_affine=False,
                             with_last_bias=False, with_avg_pool=False),
              loss=dict(type='CrossEntropyLoss', loss_weight=2 * temperature),
              temperature=temperature))
find_unused_parameters = True  # the frozen patch projection (stop_grad_conv1)

max_epochs = 100
train_cfg = dict(_delete_=True, type='EpochBasedTrainLoop', max_epochs=max_epochs)
# mmpretrain's MoCoV3 ViT-S: 2.4e-3 at batch 4096; linearly scaled to 256
optim_wrapper = dict(_delete_=True, type='OptimWrapper',
                     optimizer=dict(type='AdamW', lr=1.5e-4, weight_decay=0.1))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-4, by_epoch=True, begin=0, end=10,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=10, end=max_epochs,
         T_max=max_epochs - 10, convert_to_iter_based=True),
]
default_hooks = dict(checkpoint=dict(interval=10, save_best=None, max_keep_ckpts=2))
