# Slow-fusion stacker (BAS-2023 winner): 15 grayscale frames in stacks of 3 ->
# EfficientNetV2-B0 per stack -> 4 inverted-residual 3D blocks -> GeM -> multilabel head.
# Set pretrained_2d to an ImageNet EfficientNetV2-B0 checkpoint (path/URL) for real data.
model = dict(
    type='SlowFusionStacker',
    num_classes=2,
    num_frames=15,
    stack_size=3,
    pretrained_2d=None,
    # training augmentation runs on the device, on the whole batch (a GPU, not the workers)
    data_preprocessor=dict(type='GrayFramesPreprocessor', pad_size_divisor=32,
                           augment=dict(flip_prob=0.5)),
    num_3d_features=192,
    num_3d_blocks=4,
    expand_ratio_3d=3,
    se_reduce_ratio_3d=24,
    num_3d_stack_proj=256,
    gem_p=3.0,
    loss=dict(type='FocalLoss', gamma=1.2, alpha=0.4, _scope_='mmpretrain'))
