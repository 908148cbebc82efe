# ViViT-tiny action spotter (COMEDIAN): DeiT-tiny per frame (mmpretrain ViT, 192-d class
# token) -> 6-layer temporal transformer over 128 timesteps (64 s at 2 fps) -> per-timestep
# multilabel head over the 17 SoccerNet-v2 classes. Training masks 25% of the timesteps in
# tubes of 2 (learned mask token). Inputs: (T, 3, H, W) uint8 RGB frames per sample.
# Set pretrained_spatial to the self-supervised stage's checkpoint for real data; the
# distillation stage sets distill_dim=512 and loads gt_features (T, 512) per sample.
model = dict(
    type='ViViTSpotter',
    num_classes=17,
    num_timesteps=128,
    spatial_encoder=dict(
        type='VisionTransformer',
        arch='deit-tiny',
        img_size=224,
        patch_size=16,
        out_type='cls_token',
        drop_path_rate=0.0,
        _scope_='mmpretrain'),
    pretrained_spatial=None,
    pretrained_spatial_prefix='backbone.',
    temporal_depth=6,
    temporal_num_heads=3,
    temporal_mlp_ratio=4.0,
    temporal_drop_rate=0.0,
    temporal_drop_path_rate=0.0,
    mask_ratio=0.25,
    mask_tube=2,
    head_dropout=0.0,
    loss=dict(type='CrossEntropyLoss', use_sigmoid=True, _scope_='mmpretrain'),
    distill_dim=None,
    # normalisation runs on the device, after the uint8 batch is moved there
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCHW'))
