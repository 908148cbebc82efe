# The early-fusion baseline on the same data and budget as the slow-fusion synthetic16 config.
_base_ = './slowfusion_effv2b0_adamw-12e_soccer-synthetic16-160x96.py'
model = dict(_delete_=True, type='EarlyFusion2D', num_classes=2, num_frames=15,
             pretrained_2d=None,
             loss=dict(type='FocalLoss', gamma=1.2, alpha=0.4, _scope_='mmpretrain'))
