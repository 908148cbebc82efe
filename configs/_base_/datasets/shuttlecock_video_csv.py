# Real broadcast badminton rallies (Shuttlecock Trajectory Dataset, "video + csv" form:
# <stem>.mp4 + <stem>.csv, Frame,Ball,x,y normalised), trained straight from the videos.
# data/shuttlecock is a link to the user's copy (README: "Ball tracking on real footage").
# A fixed clip-level split: every fifth rally from the third is held out (6 of 33).
dataset_type = 'BallTrackingDataset'
data_root = 'data/shuttlecock/train'
val_clips = ['00004', '00014', '00026', '00031', '00038', '00045']
train_clips = ['00001', '00002', '00008', '00009', '00010', '00011', '00017', '00022',
               '00023', '00025', '00027', '00028', '00029', '00030', '00032', '00033',
               '00034', '00035', '00039', '00040', '00041', '00042', '00046', '00047',
               '00048', '00049', '00050']
codec = dict(type='BallHeatmapCodec', sigma=1.5, vis_thr=0.5, target_codes=(1, 2))
input_size = (320, 180)
stack_size = 3

# The decoded training frames stay cached (27 rallies at 320x180: ~1.2 GB), so each
# frame of the mp4s is decoded once per worker; raise video_cache_mb for larger inputs.
train_pipeline = [
    dict(type='LoadBallFrameStack', video_cache_mb=4096),
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
    dataset=dict(type=dataset_type, data_root=data_root, layout='video_csv',
                 clips=train_clips, stack_size=stack_size, input_size=input_size,
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, layout='video_csv',
                 clips=val_clips, stack_size=stack_size, input_size=input_size,
                 pipeline=test_pipeline, test_mode=True))
test_dataloader = val_dataloader

# TrackNet's scores at TrackNetV2's tolerance (4 px at 512x288 = 10 px at 1280x720).
val_evaluator = dict(type='SiBaTrAccMetric', tol=None,
                     postprocess=dict(max_gap=4, max_jump=120.0))
test_evaluator = val_evaluator
