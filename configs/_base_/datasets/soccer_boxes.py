# Real soccer broadcast frames with boxes in the YOLO layout as Roboflow exports it
# (data.yaml + train/ and valid/ with images/*.jpg and labels/*.txt; 4 classes: football
# (the ball), goalkeeper, player, referee). data/soccer_boxes links to the user's copy.
# No conversion step: YOLODetectionDataset reads the labels as they are and checks each
# line. The export stretched 1920x1080 broadcast frames to 1280x1280; frames are resized
# back to the broadcast's 16:9 (1280x720: a 7x8 px ball, 16x36 px players) and boxes come
# back in the input image's pixels. mmdet's CocoMetric scores valid/ without an
# annotation file (the test pipeline packs the ground truth into the samples).
data_root = 'data/soccer_boxes'
metainfo = dict(classes=('football', 'goalkeeper', 'player', 'referee'))
image_size = (1280, 720)   # (w, h) the network sees at test time
train_crop = (640, 384)    # (w, h) training crops of the resized frames
backend_args = None

train_pipeline = [
    dict(type='CheckedLoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='RandomResize', scale=image_size, ratio_range=(0.8, 1.25), keep_ratio=False),
    dict(type='RandomCrop', crop_size=train_crop[::-1]),   # mmdet takes (h, w)
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion', brightness_delta=24, contrast_range=(0.7, 1.3),
         saturation_range=(0.7, 1.3), hue_delta=8),
    dict(type='PackDetInputs'),
]
test_pipeline = [
    dict(type='CheckedLoadImageFromFile'),
    dict(type='Resize', scale=image_size, keep_ratio=False),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor',
                    'instances')),
]
train_dataloader = dict(
    batch_size=4, num_workers=2, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    batch_sampler=None,
    dataset=dict(_scope_='mmdet', type='YOLODetectionDataset', data_root=data_root,
                 split='train', metainfo=metainfo, filter_cfg=dict(filter_empty_gt=True),
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1, num_workers=2, persistent_workers=True, drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(_scope_='mmdet', type='YOLODetectionDataset', data_root=data_root,
                 split='valid', metainfo=metainfo, test_mode=True, pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(_scope_='mmdet', type='CocoMetric', ann_file=None, metric='bbox',
                     classwise=True)
test_evaluator = val_evaluator
