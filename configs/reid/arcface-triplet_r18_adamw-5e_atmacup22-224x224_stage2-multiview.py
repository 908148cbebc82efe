# Stage 2 of the seed (optional): multi-view fine-tuning on side + top crops with a
# cross-view consistency loss, starting from each stage-1 fold checkpoint and keeping the
# stage-1 fold split:
#   python tools/reid/train_cv.py THIS_CONFIG --work-dir work_dirs/reid_stage2 \
#       --fold-dir work_dirs/<stage1>/fold_metadata --load-from-cv work_dirs/<stage1>
_base_ = './arcface-triplet_r18_adamw-12e_atmacup22-224x224_stage1-side.py'
model = dict(view_consistency_loss=dict(type='ViewConsistencyLoss', loss_weight=1.0))
train_dataloader = dict(dataset=dict(angles=None))
val_dataloader = dict(dataset=dict(angles=None))
test_dataloader = val_dataloader
max_epochs = 5
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=max_epochs, T_max=max_epochs,
         eta_min=1e-6, convert_to_iter_based=True),
]
optim_wrapper = dict(optimizer=dict(lr=3e-5))
default_hooks = dict(checkpoint=dict(interval=max_epochs))
