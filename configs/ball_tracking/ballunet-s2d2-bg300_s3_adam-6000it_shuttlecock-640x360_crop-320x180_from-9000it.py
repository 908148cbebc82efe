# The background frame on the fast tracker (widths 8-16-32-64 behind the space-to-depth
# stem): one 6000-iteration cycle from the shipped `shuttlecock-fast` weights (3000 + 6000
# iterations), the background's first-layer weights starting at zero, at a quarter of the
# first cycle's peak learning rate, as ballunet-s2d2-c16-bg300_..._from-12000it.py does for
# the wider model.
_base_ = './ballunet-s2d2_s3_adam-6000it_shuttlecock-640x360_crop-320x180_from-3000it.py'

load_from = 'configs/ball_tracking/weights/ballunet-s2d2_s3_shuttlecock-640x360-e5433ed3.pth'
background_window = 300
model = dict(backbone=dict(in_channels=12))  # 3 x (3 frames + the background)
optim_wrapper = dict(optimizer=dict(lr=5e-4))
train_dataloader = dict(dataset=dict(background_window=background_window))
val_dataloader = dict(dataset=dict(background_window=background_window))
test_dataloader = val_dataloader
