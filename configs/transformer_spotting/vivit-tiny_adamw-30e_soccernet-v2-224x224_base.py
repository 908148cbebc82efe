# COMEDIAN-style action spotting on SoccerNet-v2 (17 classes): ViViT-tiny (DeiT-tiny per
# frame + 6-layer temporal transformer) over 64 s windows at 2 fps, 224x224 RGB.
# This base trains the spotter end to end from random weights (the "scratch" variant);
# the stage configs next to it are short deltas:
#   stage1-ssl              MoCoV3 (mmpretrain) on single frames -> the spatial ViT
#   stage2-distill          spatial + temporal transformers regress PCA-512 teacher features
#   stage3-finetune-frozen  classifier on the frozen trunk of stage 2
#   stage4-finetune-full    everything, from stage 3
# Evaluation: sliding windows (stride 32 s) merged by max with 12 s dropped at inner window
# edges (margin 24 timesteps <= (window - stride) / 2, so every timestep stays covered),
# soft-NMS (window 20 timesteps = 10 s, threshold 0.001), tight and loose average-mAP.
_base_ = ['../_base_/models/vivit_tiny_spotter.py', '../_base_/datasets/soccernet_v2_clips.py',
          '../_base_/default_runtime.py']

evaluator = dict(type='WindowSpottingMetric', data_root={{_base_.data_root}},
                 label_file='Labels-v2.json', classes={{_base_.classes}}, fps={{_base_.fps}},
                 tolerances=('tight', 'loose'), margin=24,
                 codec=dict(type='NMSSpottingCodec', mode='soft', window=20, threshold=0.001))
val_evaluator = evaluator
test_evaluator = evaluator

max_epochs = 30
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(type='OptimWrapper',
                     optimizer=dict(type='AdamW', lr=5e-4, betas=(0.9, 0.999), weight_decay=0.05),
                     clip_grad=dict(max_norm=1.0),
                     paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0,
                                        custom_keys={'mask_token': dict(decay_mult=0.0),
                                                     'pos_embed': dict(decay_mult=0.0),
                                                     'cls_token': dict(decay_mult=0.0)}))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=2,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=2, end=max_epochs, T_max=max_epochs - 2,
         eta_min=1e-6, convert_to_iter_based=True),
]
default_hooks = dict(checkpoint=dict(interval=5, save_best='tight_avg_mAP', rule='greater'))
# GPU: --amp (AmpOptimWrapper); the losses are computed in float32 inside the model.
auto_scale_lr = dict(enable=False, base_batch_size=4)
