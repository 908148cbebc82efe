# Model 3 of the seed: mmdet's Faster R-CNN R50-FPN trained on annotated video frames
# (COCO json from tools/data/recognition/preprocess.py); its detections of task objects
# feed the fusion step of tools/recognition/ensemble.py.
# Under default_scope='mmsport' every mmdet part is wrapped with _scope_='mmdet'
# (docs/architecture.md rule 3): model, datasets (their pipelines build inside that scope),
# metric, batch sampler, visualiser and its hook.
# ImageNet weights: set model.backbone.init_cfg (None here: nothing is downloaded).
_base_ = 'mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py'
# The upstream runtime sets its own default scope; mmsport's is restated here.
default_scope = 'mmsport'
# mmdet_loading: the checked image loader (a truncated frame is an error naming it) in mmdet's scope
custom_imports = dict(imports=['mmsport', 'mmsport.datasets.transforms.mmdet_loading'],
                      allow_failed_imports=False)
data_root = 'data/recognition'
fold = 0
# CocoDataset joins ann_file and data_prefix with data_root
lists = 'lists'
frames = 'rawframes/'
det_classes = ('ball', 'person')
metainfo = dict(classes=det_classes)
model = dict(_scope_='mmdet', backbone=dict(init_cfg=None),
             roi_head=dict(bbox_head=dict(num_classes=len(det_classes))))
scale = (1333, 800)
train_pipeline = [
    dict(type='CheckedLoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='Resize', scale=scale, keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs'),
]
test_pipeline = [
    dict(type='CheckedLoadImageFromFile'),
    dict(type='Resize', scale=scale, keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor')),
]
train_dataloader = dict(
    batch_sampler=dict(_scope_='mmdet', type='AspectRatioBatchSampler'),
    dataset=dict(_scope_='mmdet', data_root=data_root, metainfo=metainfo,
                 ann_file=f'{lists}/train_detect_fold{fold}.json', data_prefix=dict(img=frames),
                 pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(_scope_='mmdet', data_root=data_root, metainfo=metainfo,
                                   ann_file=f'{lists}/val_detect_fold{fold}.json',
                                   data_prefix=dict(img=frames), pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(
    _scope_='mmdet', data_root=data_root, metainfo=metainfo,
    ann_file=f'{lists}/test_detect.json', data_prefix=dict(img=frames),
    pipeline=[dict(type='CheckedLoadImageFromFile'),
              dict(type='Resize', scale=scale, keep_ratio=True),
              dict(type='PackDetInputs',
                   meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                              'scale_factor'))]))
val_evaluator = dict(_scope_='mmdet', type='CocoMetric',
                     ann_file=f'{data_root}/{lists}/val_detect_fold{fold}.json', metric='bbox')
test_evaluator = []  # unlabelled test frames: tools/test.py --dump writes the detections
default_hooks = dict(visualization=dict(_scope_='mmdet', type='DetVisualizationHook'))
visualizer = dict(_scope_='mmdet', type='DetLocalVisualizer')
