# Background frame (TrackNetV3's median image) on the wider fast tracker: each stack gets
# one more frame, the per-pixel median of frames sampled over its 300-frame segment of the
# rally (mmsport.video.background), so the model sees what stays (lines, net, resting
# rackets, shuttles on the floor) apart from what moves. Started from the second cycle's
# weights (the shipped `shuttlecock`; the background's first-layer weights start at zero,
# BallUNet pads them) and trained one 6000-iteration cycle as
# ..._from-12000it.py does without the background: that run is this one's control.
_base_ = './ballunet-s2d2-c16_s3_adam-6000it_shuttlecock-640x360_crop-320x180_from-12000it.py'

background_window = 300
model = dict(backbone=dict(in_channels=12))  # 3 x (3 frames + the background)
train_dataloader = dict(dataset=dict(background_window=background_window))
val_dataloader = dict(dataset=dict(background_window=background_window))
test_dataloader = val_dataloader
