# Stage 2: knowledge distillation into the spatio-temporal transformer. Inputs are the
# frames; targets are teacher features (tools/transformer_spotting/extract_features.py with an mmaction2 3D CNN,
# then tools/transformer_spotting/pca_features.py to 512 dims) at every timestep, regressed at masked (25%, tubes
# of 2, mask token) and unmasked timesteps alike. No action labels are used.
# Set the SSL checkpoint: --cfg-options model.pretrained_spatial=work_dirs/.../epoch_100.pth
_base_ = ['./vivit-tiny_adamw-30e_soccernet-v2-224x224_base.py']
feature_dir = 'data/soccernet-v2-features/pca512'
model = dict(distill_dim=512, distill_loss='mse')
train_dataloader = dict(dataset=dict(feature_dir=feature_dir,
                                     pipeline={{_base_.distill_pipeline}}))
# nothing to spot with yet: no validation / test
val_dataloader = None
val_cfg = None
val_evaluator = None
test_dataloader = None
test_cfg = None
test_evaluator = None
train_cfg = dict(_delete_=True, type='EpochBasedTrainLoop', max_epochs={{_base_.max_epochs}})
default_hooks = dict(checkpoint=dict(save_best=None))
