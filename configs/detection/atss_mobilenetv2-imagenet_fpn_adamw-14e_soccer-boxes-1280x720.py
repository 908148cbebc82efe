# Real detection: players, goalkeepers, referees and the ball in Bundesliga broadcast frames
# (data/soccer_boxes, the YOLO export as it is: 298 train / 49 valid frames). mmdet's ATSS
# on MobileNetV2 from offline ImageNet weights (mmsport://mobilenetv2_imagenet_mmdet, docs/
# pretrained.md), sized for 2 CPU cores: an FPN from stride 4 (the ball is ~7x8 px at
# 1280x720) with 64 channels, two shared head convs, anchors of 4 x stride (16 px on P2),
# trained on 640x384 crops, tested on whole 1280x720 frames.
_base_ = [
    '../_base_/datasets/soccer_boxes.py',
    '../_base_/default_runtime.py',
]
custom_imports = dict(imports=['mmsport', 'mmsport.models.pretrained',
                               'mmsport.datasets.yolo_detection_dataset',
                               'mmsport.datasets.transforms.mmdet_loading'],
                      allow_failed_imports=False)
fpn_channels = 64
model = dict(
    _scope_='mmdet',
    type='ATSS',
    data_preprocessor=dict(type='DetDataPreprocessor', mean=[123.675, 116.28, 103.53],
                           std=[58.395, 57.12, 57.375], bgr_to_rgb=True, pad_size_divisor=32),
    # layers 2, 3, 5, 7 of MobileNetV2: strides 4, 8, 16, 32 with 24, 32, 96, 320 channels
    backbone=dict(type='MobileNetV2', out_indices=(1, 2, 4, 6), frozen_stages=-1,
                  norm_eval=True,
                  init_cfg=dict(type='Pretrained',
                                checkpoint='mmsport://mobilenetv2_imagenet_mmdet')),
    neck=dict(type='FPN', in_channels=[24, 32, 96, 320], out_channels=fpn_channels,
              start_level=0, add_extra_convs='on_output', num_outs=5),
    bbox_head=dict(
        type='ATSSHead', num_classes=len(_base_.metainfo['classes']),
        in_channels=fpn_channels, stacked_convs=2, feat_channels=fpn_channels,
        anchor_generator=dict(type='AnchorGenerator', ratios=[1.0], octave_base_scale=4,
                              scales_per_octave=1, strides=[4, 8, 16, 32, 64]),
        bbox_coder=dict(type='DeltaXYWHBBoxCoder', target_means=[.0, .0, .0, .0],
                        target_stds=[0.1, 0.1, 0.2, 0.2]),
        loss_cls=dict(type='FocalLoss', use_sigmoid=True, gamma=2.0, alpha=0.25,
                      loss_weight=1.0),
        loss_bbox=dict(type='GIoULoss', loss_weight=2.0),
        loss_centerness=dict(type='CrossEntropyLoss', use_sigmoid=True, loss_weight=1.0)),
    train_cfg=dict(assigner=dict(type='ATSSAssigner', topk=9), allowed_border=-1,
                   pos_weight=-1, debug=False),
    # ~25 people and one ball a frame
    test_cfg=dict(nms_pre=1000, min_bbox_size=0, score_thr=0.05,
                  nms=dict(type='nms', iou_threshold=0.6), max_per_img=100))

max_epochs = 14
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_interval=max_epochs)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(type='OptimWrapper',
                     optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
                     clip_grad=dict(max_norm=10, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=150),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=max_epochs, T_max=max_epochs,
         eta_min=1e-5),
]
default_hooks = dict(checkpoint=dict(interval=max_epochs, max_keep_ckpts=1),
                     logger=dict(interval=25),
                     visualization=dict(_scope_='mmdet', type='DetVisualizationHook'))
log_processor = dict(by_epoch=True)
visualizer = dict(_scope_='mmdet', type='DetLocalVisualizer', vis_backends=_base_.vis_backends)
