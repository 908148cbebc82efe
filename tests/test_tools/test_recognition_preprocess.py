"""mmsport.datasets.preparation.recognition_preprocess (tools/data/recognition/preprocess.py):
fold lists, COCO json, bad-input reports."""
import json
import os
from collections import Counter

import cv2
import numpy as np
import pytest

from mmsport.cli import recognition_preprocess as pre

CLASSES = ['run', 'jump', 'spin']
W, H = 40, 30
# usable train videos: run x4, jump x3, spin x3
GOOD = {'r1': 'run', 'r2': 'run', 'r3': 'run', 'r4': 'run', 'j1': 'jump', 'j2': 'jump',
        'j3': 'jump', 's1': 'spin', 's2': 'spin', 's3': 'spin'}
TEST = ['t3', 't1', 'tmissing', 't2']  # sample_submission order, not sorted


def _frames(folder, n, done=True):
    os.makedirs(folder)
    img = np.full((H, W, 3), 90, np.uint8)
    for i in range(1, n + 1):
        cv2.imwrite(os.path.join(folder, f'img_{i:05d}.jpg'), img)
    if done:
        with open(os.path.join(folder, '.done'), 'w') as f:
            f.write(f'{n}\n')


@pytest.fixture()
def layout(tmp_path):
    """A tiny competition layout with one problem of each kind."""
    root = tmp_path / 'rec'
    fr = root / 'rawframes'
    rows = list(GOOD.items()) + [('bad_label', 'dance'), ('nofolder', 'run'),
                                 ('unfinished', 'jump'), ('short', 'spin')]
    (root / 'classes.txt').parent.mkdir(parents=True)
    (root / 'classes.txt').write_text('\n'.join(CLASSES) + '\n')
    (root / 'train.csv').write_text('video,label\n' + ''.join(f'{v},{c}\n' for v, c in rows))
    for v in GOOD:
        _frames(str(fr / 'train' / v), 10)
    _frames(str(fr / 'train' / 'bad_label'), 10)
    _frames(str(fr / 'train' / 'unfinished'), 10, done=False)
    _frames(str(fr / 'train' / 'short'), 4)
    for i, v in enumerate(['t1', 't2', 't3']):
        _frames(str(fr / 'test' / v), 9 + i)
    (root / 'sample_submission.csv').write_text(
        'video,label\n' + ''.join(f'{v},run\n' for v in TEST))
    boxes = ['video,frame,category,x,y,w,h']
    for v in GOOD:
        for f in (1, 5, 9):
            boxes.append(f'{v},{f},person,5,4,10,20')
        if v.startswith('s'):
            boxes.append(f'{v},5,ball,30,25,20,20')  # crosses the image edge: clipped
    boxes += ['ghost,1,person,1,1,5,5',  # line 35: unknown video
              'r1,99,person,1,1,5,5',  # line 36: frame out of range
              'short,1,person,1,1,5,5',  # line 37: video skipped
              'r2,1,ball,1,1,-5,5']  # line 38: bad box
    (root / 'boxes.csv').write_text('\n'.join(boxes) + '\n')
    return root


def _read_list(path):
    with open(path) as f:
        return [line.split() for line in f]


def test_lists_json_and_reports(layout, capsys):
    out = layout / 'lists'
    assert pre.main(['--data-root', str(layout), '--folds', '3', '--seed', '1']) == 0
    log = capsys.readouterr().out
    train_csv, boxes_csv = str(layout / 'train.csv'), str(layout / 'boxes.csv')
    # every problem is named with its file, line and reason
    assert f"{train_csv} line 12: video 'bad_label' has label 'dance'" in log
    assert f"{train_csv} line 13: video 'nofolder'" in log and 'nofolder is missing' in log
    assert f"{train_csv} line 14: video 'unfinished'" in log and 'no .done marker' in log
    assert f"{train_csv} line 15: video 'short' has 4 frames, fewer than --min-frames 8" in log
    assert f"{boxes_csv} line 35: video 'ghost' is not in train.csv" in log
    assert f"{boxes_csv} line 36: video 'r1' frame '99' is not in 1..10" in log
    assert f"{boxes_csv} line 37: video 'short' was skipped" in log
    assert f'{boxes_csv} line 38: bad box' in log
    assert "test video 'tmissing'" in log
    assert 'train.csv 4' in log and 'boxes.csv 4' in log

    index = {c: i for i, c in enumerate(CLASSES)}
    val_sets = []
    for k in range(3):
        tr = _read_list(out / f'train_list_rawframes_fold{k}.txt')
        va = _read_list(out / f'val_list_rawframes_fold{k}.txt')
        for v, n, lab in tr + va:  # frame_dir total_frames label
            assert n == '10' and int(lab) == index[GOOD[v]]
        tr_v, va_v = {r[0] for r in tr}, {r[0] for r in va}
        assert not tr_v & va_v and tr_v | va_v == set(GOOD)
        assert len(tr) == len(tr_v) and len(va) == len(va_v)
        val_sets.append(va_v)
        # stratified: each class has 1 (or 2 for run, 4 videos) val videos in every fold
        per_class = Counter(GOOD[v] for v in va_v)
        assert per_class['jump'] == per_class['spin'] == 1 and per_class['run'] in (1, 2)
    assert sum(map(len, val_sets)) == len(GOOD) and set().union(*val_sets) == set(GOOD)

    test = _read_list(out / 'test_list_rawframes.txt')
    assert test == [['t3', '11', '0'], ['t1', '9', '0'], ['t2', '10', '0']]

    cats = None
    for k in range(3):
        for split in ('train', 'val'):
            coco = json.loads((out / f'{split}_detect_fold{k}.json').read_text())
            _check_coco(coco, layout / 'rawframes')
            cats = cats or coco['categories']
            assert coco['categories'] == cats
            videos = {im['file_name'].split('/')[1] for im in coco['images']}
            lst = _read_list(out / f'{split}_list_rawframes_fold{k}.txt')
            assert videos == {r[0] for r in lst}
            assert all(im['frame_id'] in (1, 5, 9) for im in coco['images'])
    assert [(c['id'], c['name']) for c in cats] == [(1, 'ball'), (2, 'person')]

    tj = json.loads((out / 'test_detect.json').read_text())
    _check_coco(tj, layout / 'rawframes')
    assert tj['annotations'] == [] and tj['categories'] == cats
    names = [im['file_name'] for im in tj['images']]
    assert names[:3] == ['test/t3/img_00001.jpg', 'test/t3/img_00005.jpg',
                         'test/t3/img_00009.jpg']
    assert len(names) == 3 + 3 + 3 and not any('tmissing' in n for n in names)


def _check_coco(coco, frames_root):
    ids = [im['id'] for im in coco['images']]
    assert len(set(ids)) == len(ids)
    cat_ids = {c['id'] for c in coco['categories']}
    by_id = {im['id']: im for im in coco['images']}
    for im in coco['images']:
        assert (im['width'], im['height']) == (W, H)
        assert os.path.isfile(os.path.join(frames_root, im['file_name']))
    ann_ids = [a['id'] for a in coco['annotations']]
    assert len(set(ann_ids)) == len(ann_ids)
    for a in coco['annotations']:
        im = by_id[a['image_id']]
        assert a['category_id'] in cat_ids and a['iscrowd'] == 0
        x, y, w, h = a['bbox']
        assert 0 <= x and 0 <= y and w > 0 and h > 0
        assert x + w <= im['width'] and y + h <= im['height']
        assert a['area'] == pytest.approx(w * h, abs=0.01)
    if coco['annotations']:
        from pycocotools.coco import COCO  # mmdet's loader must accept it
        import contextlib
        import io
        import tempfile
        with tempfile.NamedTemporaryFile('w', suffix='.json', delete=False) as f:
            json.dump(coco, f)
        with contextlib.redirect_stdout(io.StringIO()):
            COCO(f.name)
        os.remove(f.name)


def test_clipped_ball_box(layout):
    assert pre.main(['--data-root', str(layout), '--folds', '2']) == 0
    boxes = []
    for split in ('train', 'val'):
        coco = json.loads((layout / 'lists' / f'{split}_detect_fold0.json').read_text())
        boxes += [a['bbox'] for a in coco['annotations'] if a['category_id'] == 1]
    assert sorted(boxes) == [[30, 25, 10, 5]] * 3  # 30+20 > 40, 25+20 > 30: clipped


def test_unreadable_inputs(layout, tmp_path, capsys):
    (layout / 'classes.txt').unlink()
    assert pre.main(['--data-root', str(layout)]) == 2
    assert 'classes.txt' in capsys.readouterr().err
    (layout / 'classes.txt').write_text('\n'.join(CLASSES) + '\n')
    (layout / 'train.csv').write_text('vid,lab\na,run\n')
    assert pre.main(['--data-root', str(layout)]) == 2
    assert "missing column(s) ['video', 'label']" in capsys.readouterr().err
    assert pre.main(['--data-root', str(tmp_path / 'nowhere')]) == 2
    assert not (layout / 'lists').exists()


def test_missing_boxes_and_submission(layout, capsys):
    (layout / 'boxes.csv').unlink()
    (layout / 'sample_submission.csv').unlink()
    out = layout / 'out'
    assert pre.main(['--data-root', str(layout), '--folds', '2', '--out-dir', str(out)]) == 0
    log = capsys.readouterr().out
    assert 'boxes.csv' in log and 'no detector json' in log and 'no test lists' in log
    assert sorted(os.listdir(out)) == sorted(
        [f'{s}_list_rawframes_fold{k}.txt' for s in ('train', 'val') for k in range(2)])
    assert not [f for f in os.listdir(out) if f.endswith('.tmp')]
