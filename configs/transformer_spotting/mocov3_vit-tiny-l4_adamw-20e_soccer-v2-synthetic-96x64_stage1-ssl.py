# Stage 1 (SSL) on the synthetic SoccerNet-v2 set: MoCoV3 on single frames of the training
# games of vivit-tiny-l4_adamw-10e_soccer-v2-synthetic-96x64.py (decoded at 144x96, crops
# resized to 96x64; no labels are read), with that config's 4-layer ViT-tiny. Smaller
# projector/predictor MLPs (1024 wide) for the CPU.
_base_ = ['./mocov3_vit-tiny_adamw-100e_soccernet-v2-224x224_stage1-ssl.py']
img_size = (64, 96)  # (H, W), as mmpretrain's RandomResizedCrop scale and ViT img_size
_crop = dict(type='RandomResizedCrop', scale=img_size, crop_ratio_range=(0.2, 1.0),
             backend='pillow')
# hue 0: mmcv's adjust_hue overflows uint8 under numpy 2 for negative hue shifts
_jitter = dict(type='RandomApply', prob=0.8, transforms=[
    dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.2, hue=0.0)])
view_pipeline1 = [_crop, _jitter, dict(type='RandomFlip', prob=0.5)]
view_pipeline2 = [_crop, _jitter, dict(type='Solarize', thr=128, prob=0.2),
                  dict(type='RandomFlip', prob=0.5)]
train_pipeline = [
    dict(type='LoadSoccerClip'),
    dict(type='SoccerClipToImage'),
    dict(type='MultiView', num_views=[1, 1], transforms=[view_pipeline1, view_pipeline2],
         _scope_='mmpretrain'),
    dict(type='PackInputs', _scope_='mmpretrain'),
]
train_dataloader = dict(
    batch_size=64, num_workers=1,
    dataset=dict(
        data_root='data/soccer_v2', input_size=(144, 96), samples_per_epoch=512,
        classes=('Kick-off', 'Goal', 'Substitution', 'Throw-in', 'Corner', 'Yellow card',
                 'Red card'),
        games=['england_epl/2022-2023/2022-08-03 - Eastgate 0 - 0 Westbrook',
               'england_epl/2022-2023/2022-08-07 - Old Town 2 - 1 Lakeside',
               'england_epl/2022-2023/2022-08-14 - Kingsport 3 - 3 Old Town',
               'spain_laliga/2021-2022/2021-08-06 - Lakeside 3 - 1 Riverside',
               'spain_laliga/2021-2022/2021-08-10 - Northfield 0 - 2 Eastgate',
               'spain_laliga/2021-2022/2021-08-17 - Harbour City 1 - 2 Old Town'],
        pipeline=train_pipeline))
model = dict(backbone=dict(arch=dict(_delete_=True, embed_dims=192, num_layers=4, num_heads=3,
                                     feedforward_channels=768), img_size=img_size),
             neck=dict(hid_channels=1024),
             head=dict(predictor=dict(hid_channels=1024)))
max_epochs = 20
train_cfg = dict(max_epochs=max_epochs)
optim_wrapper = dict(optimizer=dict(lr=5e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=2,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=2, end=max_epochs,
         T_max=max_epochs - 2, convert_to_iter_based=True),
]
default_hooks = dict(logger=dict(interval=8), checkpoint=dict(interval=max_epochs))
