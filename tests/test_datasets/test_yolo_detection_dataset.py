"""YOLODetectionDataset: the YOLO export read as mmdet data, class names from data.yaml."""
import pytest

from mmsport.fileio.yolo_boxes import YOLOLabelError
from mmsport.testing.detection import SOCCER_CLASSES


@pytest.fixture(scope='module')
def dataset_cls():
    from mmsport.datasets.yolo_detection_dataset import YOLODetectionDataset
    return YOLODetectionDataset


def test_reachable_from_mmdet_scope(dataset_cls, tiny_yolo_boxes):
    from mmdet.registry import DATASETS
    ds = DATASETS.build(dict(_scope_='mmdet', type='YOLODetectionDataset',
                             data_root=tiny_yolo_boxes,
                             split='valid', pipeline=[]))
    assert type(ds) is dataset_cls
    assert ds.metainfo['classes'] == SOCCER_CLASSES
    assert len(ds) == 4 and len(ds[0]['instances']) == 4


def test_item_through_a_detection_pipeline(dataset_cls, tiny_yolo_boxes):
    from mmengine.registry import init_default_scope
    init_default_scope('mmdet')
    import mmsport.datasets.transforms.mmdet_loading  # noqa: F401
    pipeline = [dict(type='CheckedLoadImageFromFile'),
                dict(type='LoadAnnotations', with_bbox=True),
                dict(type='Resize', scale=(64, 48), keep_ratio=False),
                dict(type='PackDetInputs')]
    ds = dataset_cls(tiny_yolo_boxes, split='train', pipeline=pipeline)
    item = ds[0]
    assert tuple(item['inputs'].shape) == (3, 48, 64)
    gt = item['data_samples'].gt_instances
    assert gt.labels.tolist() == [0, 1, 2, 3]
    w, h = (gt.bboxes.tensor[0, 2:] - gt.bboxes.tensor[0, :2]).tolist()
    assert (w, h) == pytest.approx((2.0, 2.0), abs=1e-3)  # the 4x4 ball of a 128x96 image, halved


def test_renamed_classes_must_match_the_count(dataset_cls, tiny_yolo_boxes):
    ds = dataset_cls(tiny_yolo_boxes, split='valid', pipeline=[],
                     metainfo=dict(classes=('ball', 'keeper', 'player', 'ref')))
    assert ds.metainfo['classes'] == ('ball', 'keeper', 'player', 'ref')
    with pytest.raises(YOLOLabelError, match=r'data\.yaml: 4 classes .* the config names 2'):
        dataset_cls(tiny_yolo_boxes, split='valid', pipeline=[],
                    metainfo=dict(classes=('ball', 'person')))


def test_empty_images_dropped_in_training_only(dataset_cls, tiny_yolo_boxes, tmp_path):
    import shutil
    root = str(tmp_path / 'boxes')
    shutil.copytree(tiny_yolo_boxes, root)
    (tmp_path / 'boxes/train/labels/train_000.txt').write_text('')
    train = dataset_cls(root, split='train', pipeline=[],
                        filter_cfg=dict(filter_empty_gt=True))
    test = dataset_cls(root, split='train', pipeline=[], test_mode=True,
                       filter_cfg=dict(filter_empty_gt=True))
    assert (len(train), len(test)) == (3, 4)


def test_bad_line_named_when_the_dataset_loads(dataset_cls, tiny_yolo_boxes, tmp_path):
    import shutil
    root = str(tmp_path / 'boxes')
    shutil.copytree(tiny_yolo_boxes, root)
    with open(tmp_path / 'boxes/valid/labels/valid_002.txt', 'a') as f:
        f.write('7 0.5 0.5 0.1 0.1\n')
    with pytest.raises(YOLOLabelError, match=r'valid_002\.txt, line 5: class 7'):
        dataset_cls(root, split='valid', pipeline=[])
