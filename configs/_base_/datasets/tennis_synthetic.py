# Tennis ball tracking data in the real layout (game*/clip*/0000.jpg, labels.csv).
# The default root is the synthetic set made by tools/data/tennis/make_synthetic.py.
dataset_type = 'TennisBallDataset'
data_root = 'data/tennis'
codec = dict(type='BallHeatmapCodec', sigma=1.5, vis_thr=0.5, target_codes=(1, 2))

train_pipeline = [
    dict(type='LoadBallFrameStack'),
    dict(type='RandomFlipBallStack', prob=0.5),
    dict(type='BallHeatmapTarget', codec=codec),
    dict(type='PackBallInputs'),
]
test_pipeline = [
    dict(type='LoadBallFrameStack'),
    dict(type='PackBallInputs'),
]

train_dataloader = dict(
    batch_size=8,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(type=dataset_type, data_root=f'{data_root}/train', stack_size=3,
                 input_size=(320, 180), pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=f'{data_root}/test', stack_size=3,
                 input_size=(320, 180), pipeline=test_pipeline, test_mode=True))
test_dataloader = val_dataloader

# Trajectory post-processing (gap filling, outlier rejection) happens per clip.
val_evaluator = dict(type='SiBaTrAccMetric', tol=8.0,
                     postprocess=dict(max_gap=4, max_jump=120.0))
test_evaluator = val_evaluator
