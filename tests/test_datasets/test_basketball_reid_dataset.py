"""BasketballReIDDataset: train items of known identities; val = gallery + open-set queries."""
import collections
import os

import pytest

from mmsport.datasets import BasketballReIDDataset, ReIDFoldError
from mmsport.datasets.reid_folds import load_fold


def _build(root, tmp_path, split, **kw):
    return BasketballReIDDataset(data_root=root, fold=1, fold_dir=str(tmp_path / 'folds'),
                                 num_folds=2, split=split, test_mode=split == 'val', **kw)


def test_train_and_val_items(tiny_reid_root, tmp_path):
    train = _build(tiny_reid_root, tmp_path, 'train')
    meta = load_fold(str(tmp_path / 'folds'), 1)
    assert train.classes == tuple(meta['classes'])
    assert len(train) == len(meta['train'])
    for i in range(len(train)):
        info = train.get_data_info(i)
        assert train.classes[info['gt_label']] == info['label_id']
        assert os.path.isfile(info['img_path']) and info['role'] == 'gallery'

    val = _build(tiny_reid_root, tmp_path, 'val')
    infos = [val.get_data_info(i) for i in range(len(val))]
    roles = collections.Counter((x['role'], x['label_id'] == -1) for x in infos)
    assert roles[('gallery', False)] == len(meta['train'])
    assert roles[('query', False)] == len(meta['val'])
    assert roles[('query', True)] > 0  # unknown identities and negatives
    assert ('gallery', True) not in roles
    # same quarter/session/angle -> same camid
    cam = {}
    for x, r in zip(infos, meta['train']):
        assert cam.setdefault((r['quarter'], r['session'], r['angle']), x['camid']) == x['camid']
    no_neg = _build(tiny_reid_root, tmp_path, 'val', negatives=False)
    assert len(no_neg) < len(val)


def test_angles_filter_and_errors(tiny_reid_root, tmp_path):
    side = _build(tiny_reid_root, tmp_path, 'train', angles=('side', ))
    assert all('__side__' in side.get_data_info(i)['img_path'] for i in range(len(side)))
    assert len(side) < len(_build(tiny_reid_root, tmp_path, 'train'))
    with pytest.raises(ReIDFoldError, match='train_crops.csv: not found; run tools/data/reid'):
        _build(str(tmp_path), tmp_path, 'train')
    with pytest.raises(ValueError, match="split must be"):
        _build(tiny_reid_root, tmp_path, 'test')
