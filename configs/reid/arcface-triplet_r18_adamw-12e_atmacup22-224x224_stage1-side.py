# Stage 1 of the seed: side-view crops only, 224x224, 12 epochs, one fold
# (tools/reid/train_cv.py trains all folds and saves the fold metadata).
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/arcface_triplet_resnet18.py',
    '../_base_/datasets/basketball_reid.py', '../_base_/schedules/adamw_12e.py'
]
train_dataloader = dict(dataset=dict(angles=('side', )))
val_dataloader = dict(dataset=dict(angles=('side', )))
test_dataloader = val_dataloader
default_hooks = dict(checkpoint=dict(interval=12),
                     logger=dict(type='LoggerHook', interval=20))
log_processor = dict(by_epoch=True)
