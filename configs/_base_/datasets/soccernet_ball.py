# SoccerNet ball action spotting (2023: PASS, DRIVE) in the real layout
# <root>/<league>/<season>/<game>/{1_720p.mkv, 2_720p.mkv, Labels-ball.json}.
# Seed settings: 15 grayscale frames, every 2nd frame of 25 fps, 1280x736, positives within
# a 15-frame window; equal sampling mass within +-4 frames of actions and elsewhere.
dataset_type = 'SoccerNetBallDataset'
data_root = 'data/soccernet'
classes = ('PASS', 'DRIVE')
num_frames = 15
frame_step = 2
input_size = None  # keep 1280x720; the model pads to 1280x736 (a multiple of 32) like the seed
train_games = None  # all games under data_root; a list of game paths for CV folds
val_games = None

train_pipeline = [
    dict(type='LoadSoccerWindow'),
    dict(type='SoccerWindowTarget'),
    # the left-right flip happens on the device: model.data_preprocessor.augment
    dict(type='PackSoccerWindowInputs'),
]
test_pipeline = [
    dict(type='LoadSoccerWindow'),
    dict(type='SoccerWindowTarget'),
    dict(type='PackSoccerWindowInputs'),
]
train_dataloader = dict(
    batch_size=4,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='SoccerWindowSampler'),
    dataset=dict(type=dataset_type, data_root=data_root, classes=classes, mode='train',
                 num_frames=num_frames, frame_step=frame_step, input_size=input_size,
                 positive_window=15, action_window=9, action_prob=0.5,
                 samples_per_epoch=6000, games=train_games, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, classes=classes, mode='val',
                 num_frames=num_frames, frame_step=frame_step, input_size=input_size,
                 val_stride=frame_step, games=val_games, pipeline=test_pipeline))
test_dataloader = val_dataloader

# Per-frame scores -> the spotting codec (Gaussian smoothing + peak picking; its defaults:
# sigma 3 frames, height 0.2, distance 15) -> SoccerNet mAP@1 (and tight a-mAP). The
# inference and submission tools decode with the same codec, read from here.
# The key is 'tolerances', not 'metrics': mmengine reads 'metrics' as a custom Evaluator.
spotting_codec = dict(type='PeakSpottingCodec')
val_evaluator = dict(type='SpottingMAPMetric', data_root=data_root, label_file='Labels-ball.json',
                     classes=classes, fps=25, tolerances=('at1', 'tight'),
                     codec=spotting_codec)
test_evaluator = val_evaluator
