# Model 1 of the seed: TSM-R50 (8 segments) with heavy augmentation, trained on the rawframe
# lists of tools/data/recognition/preprocess.py (fold 0). Inherits mmaction2's TSM-R50 config.
# ImageNet weights: set model.backbone.pretrained='torchvision://resnet50' and
# pretrained2d=True (None/False here because nothing is downloaded at run time).
_base_ = 'mmaction::recognition/tsm/tsm_imagenet-pretrained-r50_8xb16-1x1x8-50e_kinetics400-rgb.py'
# The upstream runtime sets its own default scope; mmsport's is restated here.
default_scope = 'mmsport'
custom_imports = dict(imports=['mmsport'], allow_failed_imports=False)
data_root = 'data/recognition'
fold = 0
classes_file = f'{data_root}/classes.txt'
num_classes = 5
lists = f'{data_root}/lists'
frames = f'{data_root}/rawframes'
input_size = 224
num_segments = 8
model = dict(backbone=dict(pretrained=None, pretrained2d=False, num_segments=num_segments),
             cls_head=dict(num_classes=num_classes, num_segments=num_segments))

meta_keys = ('img_shape', 'frame_dir')  # frame_dir names the video in dumped results
train_pipeline = [
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=num_segments),
    dict(type='CheckedRawFrameDecode'),
    dict(type='Resize', scale=(-1, int(input_size * 8 / 7))),
    dict(type='MultiScaleCrop', input_size=input_size, scales=(1, 0.875, 0.75, 0.66),
         random_crop=False, max_wh_scale_gap=1, num_fixed_crops=13),
    dict(type='Resize', scale=(input_size, input_size), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    # hue stays 0: mmaction 1.2's ColorJitter adds a negative int to a uint8 array for hue
    # shifts, which numpy 2 rejects (OverflowError)
    dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4, hue=0),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs', meta_keys=meta_keys),
]
val_pipeline = [
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=num_segments,
         test_mode=True),
    dict(type='CheckedRawFrameDecode'),
    dict(type='Resize', scale=(-1, int(input_size * 8 / 7))),
    dict(type='CenterCrop', crop_size=input_size),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs', meta_keys=meta_keys),
]
test_pipeline = val_pipeline
train_dataloader = dict(
    batch_size=8,
    dataset=dict(_delete_=True, type='RawframeDataset',
                 ann_file=f'{lists}/train_list_rawframes_fold{fold}.txt',
                 data_prefix=dict(img=f'{frames}/train'), pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    dataset=dict(_delete_=True, type='RawframeDataset', test_mode=True,
                 ann_file=f'{lists}/val_list_rawframes_fold{fold}.txt',
                 data_prefix=dict(img=f'{frames}/train'), pipeline=val_pipeline))
test_dataloader = dict(
    batch_size=8,
    dataset=dict(_delete_=True, type='RawframeDataset', test_mode=True,
                 ann_file=f'{lists}/test_list_rawframes.txt',
                 data_prefix=dict(img=f'{frames}/test'), pipeline=test_pipeline))
val_evaluator = dict(type='AccMetric', metric_list=('top_k_accuracy', 'mean_class_accuracy'),
                     metric_options=dict(top_k_accuracy=dict(topk=(1, ))))
test_evaluator = []  # the test videos have no labels: tools/test.py --dump writes the scores
# mmengine tags every dict inherited from an 'mmaction::' base with _scope_='mmaction', and a
# loop builds its dataloader inside its own scope: the loops move to mmsport's scope (which
# still reaches mmaction's registries) so that mmsport datasets such as RawframeCatDataset
# resolve.
train_cfg = dict(_scope_='mmsport')
val_cfg = dict(_scope_='mmsport')
test_cfg = dict(_scope_='mmsport')
