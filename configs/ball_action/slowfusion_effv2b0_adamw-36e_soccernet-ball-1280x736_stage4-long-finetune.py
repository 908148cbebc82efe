# Stage 4: long sequences (33 frames) from stage 3's weights, 2D encoder frozen.
_base_ = './slowfusion_effv2b0_adamw-36e_soccernet-ball-1280x736_stage3-transfer.py'
num_frames = 33
load_from = 'work_dirs/ball_action/stage3/best_mAP@1.pth'  # set to your stage-3 checkpoint
model = dict(num_frames=num_frames, freeze_2d_encoder=True)
train_dataloader = dict(dataset=dict(num_frames=num_frames))
val_dataloader = dict(dataset=dict(num_frames=num_frames))
test_dataloader = val_dataloader
