# SoccerNet-v2 action spotting (17 classes of Labels-v2.json), COMEDIAN-style clips:
# frames sampled at 2 fps (the source frame nearest to t / 2 s), 64 s windows (128
# timesteps) at 224x224 RGB, per-timestep multilabel targets positive within +-1 s
# (+-2 timesteps) of an event. Layout: <data_root>/<league>/<season>/<game>/
# {1_224p.mkv or 1_720p.mkv, 2_..., Labels-v2.json}.
# Train: random window starts, samples_per_epoch a epoch, reproducible from (seed, epoch);
# val/test: sliding windows every stride_seconds, the last one ending at the half's end.
dataset_type = 'SoccerNetV2ClipDataset'
data_root = 'data/soccernet-v2'
classes = ('Penalty', 'Kick-off', 'Goal', 'Substitution', 'Offside', 'Shots on target',
           'Shots off target', 'Clearance', 'Ball out of play', 'Throw-in', 'Foul',
           'Indirect free-kick', 'Direct free-kick', 'Corner', 'Yellow card', 'Red card',
           'Yellow->red card')  # = mmsport.evaluation.functional.spotting.V2_CLASSES
fps = 2.0
window_seconds = 64
stride_seconds = 32  # val/test
label_radius_seconds = 1.0
input_size = (224, 224)  # (W, H)
train_games = None  # every game under data_root; a list of game paths for splits
val_games = None
feature_dir = None  # feature mode: <feature_dir>/<game>/<half>_features.npy, (N, D) at fps

train_pipeline = [
    dict(type='LoadSoccerClip'),
    dict(type='SoccerClipTargets'),
    dict(type='PackSoccerClipInputs'),  # inputs (T, 3, H, W) uint8, gt_label (T, C)
]
test_pipeline = [
    dict(type='LoadSoccerClip'),
    dict(type='SoccerClipTargets'),
    dict(type='PackSoccerClipInputs'),
]
# Feature mode (set feature_dir on the datasets): inputs (T, D) float32. With both loaders,
# frames are the inputs and the features go to data_sample.gt_features (the distillation target;
# the distillation stage reads no labels: add SoccerClipTargets for a joint loss).
feature_pipeline = [
    dict(type='LoadSoccerClipFeatures'),
    dict(type='SoccerClipTargets'),
    dict(type='PackSoccerClipInputs'),
]
distill_pipeline = [
    dict(type='LoadSoccerClip'),
    dict(type='LoadSoccerClipFeatures'),
    dict(type='PackSoccerClipInputs', input_key='imgs'),
]

train_dataloader = dict(
    batch_size=4,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='SoccerWindowSampler'),
    dataset=dict(type=dataset_type, data_root=data_root, games=train_games, classes=classes,
                 fps=fps, window_seconds=window_seconds,
                 label_radius_seconds=label_radius_seconds, input_size=input_size,
                 feature_dir=feature_dir, mode='train', samples_per_epoch=4000,
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=4,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, games=val_games, classes=classes,
                 fps=fps, window_seconds=window_seconds, stride_seconds=stride_seconds,
                 label_radius_seconds=label_radius_seconds, input_size=input_size,
                 feature_dir=feature_dir, mode='val', pipeline=test_pipeline))
test_dataloader = val_dataloader  # 'val' and 'test' modes slide windows alike
# val_evaluator / test_evaluator: configs using this base define them (WindowSpottingMetric in
# configs/transformer_spotting/vivit-tiny_adamw-30e_soccernet-v2-224x224_base.py).
