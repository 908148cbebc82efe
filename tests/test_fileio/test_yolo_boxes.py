"""The YOLO box layout read as exported: pixel boxes worked out by hand, every bad line named."""
import pytest

from mmsport.fileio.yolo_boxes import (YOLOLabelError, load_yolo_split, parse_label_file,
                                       read_class_names)
from mmsport.testing.detection import SOCCER_CLASSES, make_tiny_yolo_boxes


def _label(tmp_path, text, name='a.txt'):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_box_in_pixels_by_hand(tmp_path):
    # centre (0.5, 0.25), size (0.1, 0.2) of a 200x100 image -> x 90..110, y 15..35
    path = _label(tmp_path, '2 0.5 0.25 0.1 0.2\n\n0 0.995 0.5 0.02 0.02\n')
    a, b = parse_label_file(path, 4, 200, 100)
    assert a['bbox'] == pytest.approx([90, 15, 110, 35]) and a['bbox_label'] == 2
    assert a['ignore_flag'] == 0
    # overshoots the right edge by 0.005 (export rounding): kept, clipped to the image
    assert b['bbox'] == pytest.approx([197, 49, 200, 51]) and b['bbox_label'] == 0


@pytest.mark.parametrize('line, message', [
    ('2 0.5 0.5 0.1', r'line 2: 4 fields, expected 5'),
    ('4 0.5 0.5 0.1 0.1', r'line 2: class 4 is not one of the 4 classes'),
    ('-1 0.5 0.5 0.1 0.1', r'line 2: class -1 is not one of'),
    ('1.5 0.5 0.5 0.1 0.1', r'line 2: class 1.5 is not one of'),
    ('1 0.5 abc 0.1 0.1', r'line 2: not a number'),
    ('1 0.5 nan 0.1 0.1', r'line 2: non-finite'),
    ('1 0.5 0.5 0 0.1', r'line 2: box of no size'),
    ('1 0.98 0.5 0.2 0.1', r'line 2: box .* lies outside the image'),
    ('1 0.5 -0.2 0.1 0.1', r'line 2: box .* lies outside the image'),
])
def test_bad_label_line_named(tmp_path, line, message):
    path = _label(tmp_path, f'0 0.5 0.5 0.1 0.1\n{line}\n', name='frame_7.txt')
    with pytest.raises(YOLOLabelError, match=r'frame_7\.txt, ' + message):
        parse_label_file(path, 4, 64, 64)


def test_class_names_list_mapping_and_errors(tmp_path):
    y = tmp_path / 'data.yaml'
    y.write_text('names: [ball, player]\nnc: 2\n')
    assert read_class_names(str(y)) == ('ball', 'player')
    y.write_text('names: {0: ball, 1: player}\n')
    assert read_class_names(str(y)) == ('ball', 'player')
    y.write_text('names: [ball, player]\nnc: 3\n')
    with pytest.raises(YOLOLabelError, match=r'data\.yaml: nc is 3 but names lists 2'):
        read_class_names(str(y))
    y.write_text('names: {0: ball, 2: player}\n')
    with pytest.raises(YOLOLabelError, match='names has ids'):
        read_class_names(str(y))
    y.write_text('nc: 2\n')
    with pytest.raises(YOLOLabelError, match='no class list'):
        read_class_names(str(y))
    with pytest.raises(YOLOLabelError, match='not found'):
        read_class_names(str(tmp_path / 'missing.yaml'))


def test_split_reads_every_image(tmp_path):
    root = make_tiny_yolo_boxes(str(tmp_path / 'boxes'), images=3, width=128, height=96)
    infos = load_yolo_split(f'{root}/train', read_class_names(f'{root}/data.yaml'))
    assert [i['img_id'] for i in infos] == [0, 1, 2]
    assert all((i['width'], i['height']) == (128, 96) for i in infos)
    assert all(len(i['instances']) == len(SOCCER_CLASSES) for i in infos)
    ball = infos[0]['instances'][0]
    x1, y1, x2, y2 = ball['bbox']
    assert (x2 - x1, y2 - y1) == pytest.approx((4, 4), abs=1e-3)  # 6-decimal labels


def test_image_without_labels_has_no_objects_and_empty_split_is_an_error(tmp_path):
    root = make_tiny_yolo_boxes(str(tmp_path / 'boxes'), splits=('train',), images=2)
    (tmp_path / 'boxes/train/labels/train_001.txt').unlink()
    infos = load_yolo_split(f'{root}/train', SOCCER_CLASSES)
    assert [len(i['instances']) for i in infos] == [4, 0]
    (tmp_path / 'empty/images').mkdir(parents=True)
    with pytest.raises(YOLOLabelError, match='no images'):
        load_yolo_split(str(tmp_path / 'empty'), SOCCER_CLASSES)
    with pytest.raises(YOLOLabelError, match='not a folder'):
        load_yolo_split(str(tmp_path / 'nowhere'), SOCCER_CLASSES)


def test_unreadable_image_named(tmp_path):
    root = make_tiny_yolo_boxes(str(tmp_path / 'boxes'), splits=('train',), images=1)
    (tmp_path / 'boxes/train/images/train_000.jpg').write_bytes(b'not an image')
    with pytest.raises(YOLOLabelError, match=r'train_000\.jpg: not a readable image'):
        load_yolo_split(f'{root}/train', SOCCER_CLASSES)
