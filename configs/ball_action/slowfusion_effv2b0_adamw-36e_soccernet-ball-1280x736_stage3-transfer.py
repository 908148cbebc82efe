# Stage 3: transfer from stage 2 (2D + 3D encoders; the 17-class head is not loaded:
# its shape differs), sampling reweighted by stage 1's out-of-fold predictions.
_base_ = './slowfusion_effv2b0_adamw-36e_soccernet-ball-1280x736_stage1-basic.py'
load_from = 'work_dirs/ball_action/stage2/best_mAP@1.pth'  # set to your stage-2 checkpoint
train_dataloader = dict(dataset=dict(oof_dir='work_dirs/ball_action/stage1/oof'))
