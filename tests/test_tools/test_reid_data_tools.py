import csv
import os
import shutil

import cv2
import numpy as np
import pytest

from mmsport.cli import make_synthetic_reid as gen
from mmsport.cli import reid_prepare_data as prep_cli
from mmsport.datasets.preparation import reid_prepare as prep
from mmsport.fileio.reid import (TEST_META_COLUMNS, TRAIN_META_COLUMNS, box_iou_xywh,
                                 read_test_meta, read_train_meta, write_csv)

GEN_ARGS = ['--identities', '8', '--unseen', '2', '--sessions', '2', '--frames', '4',
            '--seed', '1']
BOX = ('x', 'y', 'w', 'h')


def _rows(path):
    with open(path, newline='') as f:
        return list(csv.DictReader(f))


def _box(r):
    return [float(r[k]) for k in BOX]


@pytest.fixture(scope='module')
def reid_root(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('reid'))
    assert gen.main(['--out', root] + GEN_ARGS) == 0
    return root


@pytest.fixture(scope='module')
def prepared(reid_root):
    assert prep_cli.main(['--data-root', reid_root]) == 0
    return reid_root


def test_generator_layout(reid_root, capsys):
    with open(os.path.join(reid_root, 'train_meta.csv')) as f:
        assert f.readline().strip() == ','.join(TRAIN_META_COLUMNS)
    with open(os.path.join(reid_root, 'test_meta.csv')) as f:
        assert f.readline().strip() == ','.join(TEST_META_COLUMNS)
    train = read_train_meta(os.path.join(reid_root, 'train_meta.csv'))
    # 3 train quarters x 2 sessions (session 1 also top) x 4 frames = 36 images, 5 players each
    images = sorted(os.listdir(os.path.join(reid_root, 'images')))
    assert len(images) == 36 and len(train['x']) == 36 * 5
    assert 'Q1-000__side__00__01.jpg' in images and 'Q3-000__top__01__04.jpg' in images
    assert set(train['quarter']) == {'Q1-000', 'Q2-000', 'Q3-000'}
    img = cv2.imread(os.path.join(reid_root, 'images', images[0]))
    assert img.shape == (192, 320, 3)
    labels, counts = np.unique(train['label_id'], return_counts=True)
    assert labels.tolist() == list(range(6)) and counts.min() >= 6
    test = read_test_meta(os.path.join(reid_root, 'test_meta.csv'), reid_root)  # files exist
    assert len(test['x']) == 3 * 4 * 5 and set(test['quarter']) == {'Q4-000'}
    assert 0.6 <= np.mean(test['angle'] == 'side') <= 0.85
    r = test['rel_path'][0]
    assert r.startswith('crops/Q4-000/sess_0001/side/Q4-000__sess0001__') and r.endswith('.jpg')
    crop = cv2.imread(os.path.join(reid_root, r))
    assert crop.shape[:2] == (test['h'][0], test['w'][0])
    truth = [int(r['label_id']) for r in _rows(os.path.join(reid_root, 'test_labels.csv'))]
    assert len(truth) == len(test['x'])
    assert -1 in truth and set(truth) <= set(labels.tolist()) | {-1}
    assert gen.main(['--out', reid_root] + GEN_ARGS) == 0
    assert 'skipping' in capsys.readouterr().out


def test_generator_tracks_are_linkable_and_deterministic(reid_root, tmp_path):
    t = read_train_meta(os.path.join(reid_root, 'train_meta.csv'))
    keys = list(zip(t['quarter'], t['angle'], t['session'], t['frame'], t['label_id']))
    index = {k: i for i, k in enumerate(keys)}
    boxes = np.stack([t[k] for k in BOX], 1)  # (N, 4)
    nxt = [(i, index.get(k[:3] + (k[3] + 1, k[4]))) for i, k in enumerate(keys)]
    ious = [box_iou_xywh(boxes[i:i + 1], boxes[j:j + 1])[0, 0] for i, j in nxt if j is not None]
    assert len(ious) > 100 and np.median(ious) > 0.5
    other = str(tmp_path / 'again')
    assert gen.main(['--out', other] + GEN_ARGS) == 0
    for name in ('train_meta.csv', 'test_meta.csv', 'test_labels.csv'):
        with open(os.path.join(reid_root, name)) as a, open(os.path.join(other, name)) as b:
            assert a.read() == b.read()


def test_prepare_crops_and_cache_reuse(prepared, capsys):
    crops = _rows(os.path.join(prepared, 'train_crops.csv'))
    assert list(crops[0]) == list(prep.CROP_COLUMNS)
    assert [int(r['row']) for r in crops] == list(range(180))
    for r in crops[::7]:
        assert r['crop_path'].startswith('train_crops_cache/' + r['quarter'] + '/' + r['angle'])
        img = cv2.imread(os.path.join(prepared, r['crop_path']))
        assert img.shape[:2] == (int(r['h']), int(r['w']))
    before = open(os.path.join(prepared, 'train_negatives.csv')).read()
    assert prep_cli.main(['--data-root', prepared, '--num-workers', '2']) == 0
    out = capsys.readouterr().out
    assert '0 written' in out and f'{180 + 36 * 4} reused' in out
    assert open(os.path.join(prepared, 'train_negatives.csv')).read() == before


def test_prepare_negatives(prepared):
    crops = _rows(os.path.join(prepared, 'train_crops.csv'))
    negs = _rows(os.path.join(prepared, 'train_negatives.csv'))
    assert list(negs[0]) == list(prep.NEGATIVE_COLUMNS)
    by_image = {}
    for r in crops:
        by_image.setdefault((r['quarter'], r['angle'], r['session'], r['frame']), []).append(
            _box(r))
    kinds = [n['kind'] for n in negs]
    assert kinds.count('background') == kinds.count('partial') == 2 * 36
    for n in negs:
        iou = box_iou_xywh(np.array([_box(n)]), np.array(
            by_image[(n['quarter'], n['angle'], n['session'], n['frame'])])).max()
        assert iou == 0 if n['kind'] == 'background' else 0 < iou < 0.3
        assert n['crop_path'].startswith('train_crops_cache/negatives/')
    img = cv2.imread(os.path.join(prepared, negs[0]['crop_path']))
    assert img.shape[:2] == (int(negs[0]['h']), int(negs[0]['w']))


def test_prepare_reports_and_skips_bad_rows(reid_root, tmp_path, capsys):
    root = str(tmp_path / 'bad')
    shutil.copytree(reid_root, root, ignore=shutil.ignore_patterns('train_crops*', 'crops'))
    rows = _rows(os.path.join(root, 'train_meta.csv'))
    rows[3]['quarter'] = 'Q9-000'  # image missing
    rows[5].update(x='5000')  # fully outside
    rows[6].update(x='-10', w=str(int(rows[6]['w']) + 10))  # partly outside: clipped
    corrupt = {k: rows[40][k] for k in ('quarter', 'angle', 'session', 'frame')}
    name = f'{corrupt["quarter"]}__{corrupt["angle"]}__{int(corrupt["session"]):02d}__' \
           f'{int(corrupt["frame"]):02d}.jpg'
    with open(os.path.join(root, 'images', name), 'wb') as f:
        f.write(b'not a jpeg')
    write_csv(os.path.join(root, 'train_meta.csv'), TRAIN_META_COLUMNS,
              [[r[c] for c in TRAIN_META_COLUMNS] for r in rows])
    assert prep_cli.main(['--data-root', root]) == 0
    out = capsys.readouterr().out
    assert 'row 3 (images/Q9-000__side__00__01.jpg): image file is missing' in out
    assert 'row 5 (' in out and 'outside the 320x192 frame' in out
    assert f'row 40 (images/{name}): image cannot be decoded' in out
    bad = {i for i, r in enumerate(rows) if all(r[k] == corrupt[k] for k in corrupt)} | {3, 5}
    assert '1 clipped' in out and f'{len(bad)} rows skipped' in out
    crops = _rows(os.path.join(root, 'train_crops.csv'))
    assert [int(r['row']) for r in crops] == [i for i in range(len(rows)) if i not in bad]
    r6 = next(r for r in crops if r['row'] == '6')
    assert (r6['x'], r6['w']) == ('0', str(int(rows[6]['w']) - 10))  # clipped to the frame


def test_prepare_invalid_meta_returns_error(tmp_path, capsys):
    root = str(tmp_path)
    write_csv(os.path.join(root, 'train_meta.csv'), ('quarter', 'angle'), [('Q1-000', 'side')])
    assert prep_cli.main(['--data-root', root]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and 'train_meta.csv' in err and 'label_id' in err


def test_make_tiny_reid_data(tmp_path):
    from mmsport.testing.reid import make_tiny_reid_data
    root = make_tiny_reid_data(str(tmp_path / 'tiny'))
    for name in ('train_meta.csv', 'test_meta.csv', 'test_labels.csv', 'train_crops.csv',
                 'train_negatives.csv'):
        assert os.path.isfile(os.path.join(root, name))
