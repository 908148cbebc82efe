# Trade-off setting: the tiny tracker at TrackNet's 512x288 input (a 2-4 px shuttle at
# 1280x720 becomes ~1-1.6 px instead of ~0.5-1 px); ~3x the compute of 320x180.
_base_ = './ballunet_s3_adam-1500it_shuttlecock-320x180.py'

input_size = (512, 288)
train_dataloader = dict(dataset=dict(input_size=input_size))
val_dataloader = dict(dataset=dict(input_size=input_size))
test_dataloader = val_dataloader
