"""mmsport.testing.synthetic.recognition (tools/data/recognition/make_synthetic.py): layout,
imbalance, ball presence and boxes."""
import csv
import os

import cv2
import decord
import numpy as np
import pytest

from mmsport.cli import make_synthetic_recognition as gen_cli
from mmsport.testing.synthetic import recognition as gen

ARGS = ['--train', '20', '--test', '6', '--frames', '16', '--width', '64', '--height', '48',
        '--seed', '1']


def _rows(path):
    with open(path, newline='') as f:
        r = csv.DictReader(f)
        return r.fieldnames, list(r)


def _frames(path):
    vr = decord.VideoReader(path)
    return vr.get_batch(list(range(len(vr)))).asnumpy()  # RGB


def _ball_mask(frames_rgb):
    """Pixels of the ball's orange (hue 10-50 deg, saturated, bright)."""
    hsv = np.stack([cv2.cvtColor(f, cv2.COLOR_RGB2HSV) for f in frames_rgb])
    return (hsv[..., 0] >= 5) & (hsv[..., 0] <= 25) & (hsv[..., 1] >= 120) & (hsv[..., 2] >= 120)


@pytest.fixture(scope='module')
def rec_root(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('recognition'))
    assert gen_cli.main(['--out', root] + ARGS) == 0
    return root


def test_layout_and_columns(rec_root):
    with open(os.path.join(rec_root, 'classes.txt')) as f:
        classes = f.read().split()
    assert classes == ['run', 'jump', 'spin', 'stand', 'stand_with_ball']
    cols, train = _rows(os.path.join(rec_root, 'train.csv'))
    assert cols == ['video', 'label'] and len(train) == 20
    assert {r['label'] for r in train} <= set(classes)
    cols, boxes = _rows(os.path.join(rec_root, 'boxes.csv'))
    assert cols == ['video', 'frame', 'category', 'x', 'y', 'w', 'h']
    assert {b['category'] for b in boxes} == {'person', 'ball'}
    for split, ids in (('train', [r['video'] for r in train]),
                       ('test', [r['video'] for r in _rows(
                           os.path.join(rec_root, 'test_labels.csv'))[1]])):
        files = sorted(os.listdir(os.path.join(rec_root, 'videos', split)))
        assert files == sorted(f'{v}.mp4' for v in ids)
    vr = decord.VideoReader(os.path.join(rec_root, 'videos', 'train', f'{train[0]["video"]}.mp4'))
    assert len(vr) == 16 and vr[0].shape == (48, 64, 3)
    assert abs(vr.get_avg_fps() - 25) < 0.01


def test_class_imbalance_order(rec_root):
    _, train = _rows(os.path.join(rec_root, 'train.csv'))
    counts = [sum(r['label'] == c for r in train) for c in gen.CLASSES]
    assert counts == sorted(counts, reverse=True) and min(counts) >= 1
    assert counts[0] > counts[1] > counts[2] > counts[-1]
    big = gen.class_counts(1000)
    assert big.sum() == 1000 and list(big) == [400, 250, 150, 120, 80]


def test_sample_submission_matches_test_labels(rec_root):
    cols, sub = _rows(os.path.join(rec_root, 'sample_submission.csv'))
    cols2, gt = _rows(os.path.join(rec_root, 'test_labels.csv'))
    assert cols == cols2 == ['video', 'label'] and len(sub) == 6
    assert [r['video'] for r in sub] == [r['video'] for r in gt]
    assert len({r['label'] for r in sub}) == 1 and sub[0]['label'] in gen.CLASSES
    _, train = _rows(os.path.join(rec_root, 'train.csv'))
    assert not {r['video'] for r in train} & {r['video'] for r in gt}


def test_ball_only_in_stand_with_ball_and_boxes_cover_it(rec_root):
    _, train = _rows(os.path.join(rec_root, 'train.csv'))
    _, boxes = _rows(os.path.join(rec_root, 'boxes.csv'))
    seen = set()
    for r in train:
        if r['label'] not in ('stand', 'stand_with_ball'):
            continue
        seen.add(r['label'])
        mask = _ball_mask(_frames(os.path.join(rec_root, 'videos', 'train',
                                               f'{r["video"]}.mp4')))
        per_frame = mask.reshape(len(mask), -1).sum(1)
        mine = [b for b in boxes if b['video'] == r['video']]
        balls = [b for b in mine if b['category'] == 'ball']
        assert {int(b['frame']) for b in mine if b['category'] == 'person'} == \
            set(range(1, 17, 4))
        if r['label'] == 'stand':
            assert per_frame.max() == 0 and not balls
            continue
        assert per_frame.min() >= 10 and len(balls) == 4
        for b in balls:
            x, y, w, h = (float(b[k]) for k in 'xywh')
            ys, xs = np.nonzero(mask[int(b['frame']) - 1])
            assert ((xs >= x - 1) & (xs <= x + w) & (ys >= y - 1) & (ys <= y + h)).all()
    assert seen == {'stand', 'stand_with_ball'}
    for b in boxes:
        x, y, w, h = (float(b[k]) for k in 'xywh')
        assert 0 <= x and 0 <= y and w > 0 and h > 0 and x + w <= 64 and y + h <= 48


def test_same_motion_distribution_for_stand_classes():
    a = gen.sample_motion(np.random.default_rng(5), 'stand', 16, 64, 48)
    b = gen.sample_motion(np.random.default_rng(5), 'stand_with_ball', 16, 64, 48)
    assert a['kind'] == b['kind'] == 'stand' and np.array_equal(a['feet'], b['feet'])


def test_rerun_skips_unless_force(rec_root, capsys):
    mtime = os.path.getmtime(os.path.join(rec_root, 'train.csv'))
    assert gen_cli.main(['--out', rec_root] + ARGS) == 0
    assert 'skipped' in capsys.readouterr().out
    assert os.path.getmtime(os.path.join(rec_root, 'train.csv')) == mtime


def test_force_regenerates(tmp_path):
    root = str(tmp_path / 'r')
    small = ['--frames', '4', '--width', '64', '--height', '48', '--test', '0']
    assert gen_cli.main(['--out', root, '--train', '6'] + small) == 0
    assert gen_cli.main(['--out', root, '--train', '5', '--force'] + small) == 0
    _, train = _rows(os.path.join(root, 'train.csv'))
    assert sorted(os.listdir(os.path.join(root, 'videos', 'train'))) == \
        sorted(f'{r["video"]}.mp4' for r in train)
    assert len(train) == 5 and _rows(os.path.join(root, 'sample_submission.csv'))[1] == []
