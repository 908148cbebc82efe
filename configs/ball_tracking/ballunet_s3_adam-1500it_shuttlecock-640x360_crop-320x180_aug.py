# The 640x360-crop setting with augmentations for other sources (not yet trained or
# measured): the ball at 0.75-1.25x its pixel size, brightness / contrast, blur and JPEG
# re-compression, each drawn once per sample for the whole stack
# (mmsport/datasets/transforms/ball_stack_augment.py).
_base_ = './ballunet_s3_adam-1500it_shuttlecock-640x360_crop-320x180.py'

codec = {{_base_.codec}}
crop_size = (320, 180)
train_pipeline = [
    dict(type='LoadBallFrameStack', video_cache_mb=6144),
    dict(type='RandomFlipBallStack', prob=0.5),
    dict(type='RandomBallScale', scale=(0.75, 1.25), prob=0.5, min_size=crop_size),
    dict(type='BallHeatmapTarget', codec=codec),
    dict(type='RandomBallCrop', crop_size=crop_size, ball_prob=0.5),
    dict(type='BallStackColorJitter', brightness=0.3, contrast=0.3, prob=0.8),
    dict(type='BallStackBlur', sigma=(0.3, 1.2), prob=0.3),
    dict(type='BallStackJPEG', quality=(30, 90), prob=0.3),
    dict(type='PackBallInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
