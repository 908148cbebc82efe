# CPU variant of the detector on the synthetic set: ResNet18-FPN (64 channels, 256-d box head)
# from scratch, frames upscaled 2x to 320x240 and anchors of 4 x stride (16 px on P2) so the
# ~10 px ball has positive anchors, 2 epochs (about 500 iterations on the default set).
_base_ = './faster-rcnn_r50_fpn_1x_actionrec-frames.py'
model = dict(
    backbone=dict(depth=18, frozen_stages=-1, norm_eval=False, init_cfg=None),
    neck=dict(in_channels=[64, 128, 256, 512], out_channels=64),
    rpn_head=dict(in_channels=64, feat_channels=64, anchor_generator=dict(scales=[4])),
    roi_head=dict(bbox_roi_extractor=dict(out_channels=64),
                  bbox_head=dict(in_channels=64, fc_out_channels=256)),
    # a few objects per frame: far fewer proposals and RoI samples than COCO's defaults
    train_cfg=dict(rpn_proposal=dict(nms_pre=400, max_per_img=100),
                   rcnn=dict(sampler=dict(num=64))),
    test_cfg=dict(rpn=dict(nms_pre=300, max_per_img=50)))
scale = (320, 240)
# the base's pipelines with the smaller scale
train_pipeline = _base_.train_pipeline
train_pipeline[2]['scale'] = scale
test_pipeline = _base_.test_pipeline
test_pipeline[1]['scale'] = scale
train_dataloader = dict(batch_size=4, num_workers=1,
                        dataset=dict(pipeline=train_pipeline, filter_cfg=dict(min_size=4)))
val_dataloader = dict(num_workers=1, dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(num_workers=1, dataset=dict(
    pipeline=[t for t in test_pipeline if t['type'] != 'LoadAnnotations']))
max_epochs = 2
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=100),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=max_epochs, T_max=max_epochs,
         eta_min=1e-5),
]
optim_wrapper = dict(_delete_=True, type='OptimWrapper',
                     optimizer=dict(type='AdamW', lr=1e-3, weight_decay=1e-4),
                     clip_grad=dict(max_norm=10, norm_type=2))
default_hooks = dict(checkpoint=dict(interval=max_epochs, max_keep_ckpts=1),
                     logger=dict(interval=32))
