# Stage 2 (distillation) on the synthetic set: frames in, PCA-128 teacher features out
# (tools/extract_features.py with mmaction2's X3D-S, then tools/pca_features.py --dim 128:
# the X3D-S backbone has 432 channels, fewer than the real config's 512 components).
# --cfg-options model.pretrained_spatial=<stage 1 checkpoint>
_base_ = ['./vivit-tiny_adamw-8e_soccer-v2-synthetic-64x64.py']
feature_dir = 'data/soccer_v2_features/pca128'
model = dict(distill_dim=128, distill_loss='mse')
train_pipeline = [
    dict(type='LoadSoccerClip'),
    dict(type='LoadSoccerClipFeatures'),
    dict(type='PackSoccerClipInputs', input_key='imgs'),  # features -> gt_features
]
train_dataloader = dict(dataset=dict(feature_dir=feature_dir, pipeline=train_pipeline))
val_dataloader = None
val_cfg = None
val_evaluator = None
test_dataloader = None
test_cfg = None
test_evaluator = None
train_cfg = dict(_delete_=True, type='EpochBasedTrainLoop', max_epochs={{_base_.max_epochs}})
