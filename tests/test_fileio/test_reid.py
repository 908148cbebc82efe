import os

import numpy as np
import pytest

from mmsport.fileio.reid import (TEST_META_COLUMNS, TRAIN_META_COLUMNS, ReIDDataError,
                                 box_iou_xywh, clip_box, clip_boxes, crop_cache_path,
                                 image_path, read_submission, read_test_meta,
                                 read_train_meta, table_len, table_row, write_csv,
                                 write_submission)

TRAIN_ROWS = [('Q1-000', 'side', 0, 1, 10, 20, 30, 60, 3),
              ('Q1-000', 'top', 2, 12, 5.5, 0, 20, 20, 0)]


def _write(path, header, rows):
    write_csv(str(path), header, rows)
    return str(path)


def test_read_train_meta_columns_and_dtypes(tmp_path):
    t = read_train_meta(_write(tmp_path / 'train_meta.csv', TRAIN_META_COLUMNS, TRAIN_ROWS))
    assert set(t) == set(TRAIN_META_COLUMNS) and table_len(t) == 2
    assert t['session'].dtype == np.int64 and t['label_id'].tolist() == [3, 0]
    assert t['x'].dtype == np.float64 and t['x'][1] == 5.5
    row = table_row(t, 1)
    assert row['quarter'] == 'Q1-000' and isinstance(row['frame'], int)
    assert image_path('/d', row) == os.path.join('/d', 'images', 'Q1-000__top__02__12.jpg')


def test_read_train_meta_errors_name_file_row_column(tmp_path):
    p = _write(tmp_path / 'a.csv', ('quarter', 'angle', 'x', 'y'), [('Q1-000', 'side', 1, 2)])
    with pytest.raises(ReIDDataError, match=r'a\.csv: missing column\(s\) session, frame, w, '
                                            r'h, label_id'):
        read_train_meta(p)
    bad = list(TRAIN_ROWS) + [('Q1-000', 'side', 0, 1, 'abc', 0, 1, 1, 1)]
    p = _write(tmp_path / 'b.csv', TRAIN_META_COLUMNS, bad)
    with pytest.raises(ReIDDataError, match=r'b\.csv: row 2, column x: .abc. is not'):
        read_train_meta(p)
    bad = list(TRAIN_ROWS) + [('Q1-000', 'side', 0, 1, 1, 0, 1, 1, 2.5)]
    p = _write(tmp_path / 'c.csv', TRAIN_META_COLUMNS, bad)
    with pytest.raises(ReIDDataError, match=r'c\.csv: row 2, column label_id: .2\.5. is not '
                                            r'an integer'):
        read_train_meta(p)
    p = _write(tmp_path / 'd.csv', TRAIN_META_COLUMNS, [('Q1-000', 'front', 0, 1, 1, 0, 1, 1,
                                                         2)])
    with pytest.raises(ReIDDataError, match=r'd\.csv: row 0, column angle'):
        read_train_meta(p)
    with pytest.raises(ReIDDataError, match=r'nope\.csv: file is missing'):
        read_train_meta(str(tmp_path / 'nope.csv'))


def test_read_test_meta_reports_all_missing_files(tmp_path):
    rows = []
    for i in range(14):
        rel = f'crops/Q4-000/sess_0001/side/Q4-000__sess0001__{i:04x}.jpg'
        if i in (0, 5):
            os.makedirs(os.path.dirname(tmp_path / rel), exist_ok=True)
            (tmp_path / rel).write_bytes(b'x')
        rows.append((1, 2, 3, 4, 'Q4-000', 1, i + 1, 'side', rel))
    p = _write(tmp_path / 'test_meta.csv', TEST_META_COLUMNS, rows)
    with pytest.raises(ReIDDataError) as e:
        read_test_meta(p, str(tmp_path))
    msg = str(e.value)
    assert msg.startswith(p) and '12 of 14' in msg and 'and 2 more' in msg
    assert 'row 1: crops/Q4-000/sess_0001/side/Q4-000__sess0001__0001.jpg' in msg
    assert 'row 0:' not in msg and 'row 5:' not in msg
    t = read_test_meta(p, str(tmp_path), check_files=False)
    assert t['frame_in_session'].tolist() == list(range(1, 15))
    assert t['rel_path'][3].endswith('0003.jpg')


def test_clip_box():
    assert clip_box(10, 20, 30, 40, 100, 100) == (10, 20, 30, 40)
    assert clip_box(-10, 90, 30, 40, 100, 100) == (0, 90, 20, 10)
    assert clip_box(100, 0, 10, 10, 100, 100) is None  # touches the right edge only
    assert clip_box(-20, -20, 10, 10, 100, 100) is None
    assert clip_box(5, 5, 0, 10, 100, 100) is None
    assert clip_box(5, 5, float('nan'), 10, 100, 100) is None
    boxes = np.array([[10, 20, 30, 40], [-10, 90, 30, 40], [100, 0, 10, 10], [5, 5, 0, 10]])
    clipped, valid = clip_boxes(boxes, 100, 100)
    assert valid.tolist() == [True, True, False, False]
    assert clipped[1].tolist() == [0, 90, 20, 10]


def test_box_iou_xywh():
    a = np.array([[0, 0, 10, 10], [5, 5, 10, 10], [0, 0, 0, 0]])
    b = np.array([[0, 0, 10, 10], [10, 0, 10, 10], [0, 5, 10, 10]])
    iou = box_iou_xywh(a, b)
    assert iou.shape == (3, 3)
    np.testing.assert_allclose(iou[0], [1, 0, 50 / 150])
    np.testing.assert_allclose(iou[1, 0], 25 / 175)
    assert (iou[2] == 0).all()  # empty box: no division by zero
    assert box_iou_xywh(np.zeros((0, 4)), b).shape == (0, 3)


def test_crop_cache_path_is_deterministic_and_box_specific():
    row = dict(quarter='Q1-000', angle='side', session=3, frame=7, x=10, y=-4, w=20.5, h=40,
               label_id=2)
    p = crop_cache_path('/c', row)
    assert p == crop_cache_path('/c', dict(row))
    assert p.startswith(os.path.join('/c', 'Q1-000', 'side', 'Q1-000__side__s03__f07'))
    assert 'x10_ym4_w20p5_h40' in p
    assert crop_cache_path('/c', dict(row, w=21)) != p
    assert crop_cache_path('/c', dict(row, frame=8)) != p
    neg = crop_cache_path('/c', row, kind='partial')
    assert neg.startswith(os.path.join('/c', 'negatives', 'Q1-000', 'side')) and 'partial' in neg


def test_submission_round_trip_and_errors(tmp_path):
    p = str(tmp_path / 'sub' / 'submission.csv')
    write_submission(p, np.array([3, -1, 0, 7]))
    assert open(p).read() == 'label_id\n3\n-1\n0\n7\n'
    assert not os.path.exists(p + '.tmp')
    assert read_submission(p, n_rows=4).tolist() == [3, -1, 0, 7]
    with pytest.raises(ReIDDataError, match=r'submission\.csv: 4 row\(s\), expected 5'):
        read_submission(p, n_rows=5)
    with pytest.raises(ReIDDataError, match='integers >= -1'):
        write_submission(p, [1, -2])
    with pytest.raises(ReIDDataError, match='integers >= -1'):
        write_submission(p, [1.5])
    assert read_submission(p).tolist() == [3, -1, 0, 7]  # untouched by failed writes
    bad = _write(tmp_path / 'bad.csv', ('label',), [(1,)])
    with pytest.raises(ReIDDataError, match=r'bad\.csv: missing column\(s\) label_id'):
        read_submission(bad)
