# Baseline: 2D early fusion (all 15 frames as channels of one EfficientNetV2-B0).
_base_ = './slowfusion_effv2b0_adamw-36e_soccernet-ball-1280x736_stage1-basic.py'
model = dict(_delete_=True, type='EarlyFusion2D', num_classes=2, num_frames=15,
             pretrained_2d=None,
             loss=dict(type='FocalLoss', gamma=1.2, alpha=0.4, _scope_='mmpretrain'))
