# Real basketball action clips, one folder per class (basketball_action_dataset layout:
# videos/<class>/<class>_<n>.mp4; 5 classes, 0.3 s clips of 5-10 frames, portrait player
# crops). data/basketball_actions links to the user's copy (holding videos/). No list
# file: ClassFolderVideoDataset reads the folders and holds out a fixed stratified 20%.
data_root = 'data/basketball_actions/videos'
classes = ('defense', 'dribbling', 'nothing', 'passing', 'shooting')
num_classes = len(classes)
num_segments = 8     # a 5-10 frame clip is spread over 8 segments (frames repeat)
input_size = 224     # the set's own preparation: letterboxed ("resize with padding") to 224
split = dict(val_fraction=0.2, split_seed=0)
meta_keys = ('img_shape', 'filename')
# OpenCV decodes: decord 0.6 fails on some of these small clips (widths not a multiple of 16)

train_pipeline = [
    dict(type='OpenCVInit'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=num_segments),
    dict(type='OpenCVDecode'),
    dict(type='LetterboxClip', size=input_size),
    dict(type='Flip', flip_ratio=0.5),
    # hue stays 0: mmaction 1.2's ColorJitter adds a negative int to a uint8 array for hue
    # shifts, which numpy 2 rejects (OverflowError)
    dict(type='ColorJitter', brightness=0.3, contrast=0.3, saturation=0.3, hue=0),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs', meta_keys=meta_keys),
]
val_pipeline = [
    dict(type='OpenCVInit'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=num_segments,
         test_mode=True),
    dict(type='OpenCVDecode'),
    dict(type='LetterboxClip', size=input_size),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs', meta_keys=meta_keys),
]
test_pipeline = val_pipeline
train_dataloader = dict(
    batch_size=8, num_workers=1, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type='ClassFolderVideoDataset', data_root=data_root, classes=classes,
                 split='train', pipeline=train_pipeline, **split))
val_dataloader = dict(
    batch_size=8, num_workers=1, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='ClassFolderVideoDataset', data_root=data_root, classes=classes,
                 split='val', pipeline=val_pipeline, test_mode=True, **split))
test_dataloader = val_dataloader
val_evaluator = dict(type='AccMetric', metric_list=('top_k_accuracy', 'mean_class_accuracy'),
                     metric_options=dict(top_k_accuracy=dict(topk=(1, ))))
test_evaluator = val_evaluator
