"""Open-set fold splits: disjoint unknowns, sample-level known splits, saved metadata."""
import numpy as np
import pytest

from mmsport.datasets.reid_folds import (ReIDFoldError, ensure_fold, fold_paths, load_fold,
                                         read_samples_csv, split_folds, write_samples_csv)


def _labels():
    # 12 identities with 3..8 samples each, and identity 99 seen once
    return np.concatenate([np.full(3 + i % 6, i) for i in range(12)] + [[99]])


def test_split_folds_open_set_properties():
    labels = _labels()
    with pytest.warns(UserWarning, match='seen only once.*99'):
        folds = split_folds(labels, num_folds=5, unknowns_per_fold=2, val_ratio=0.25, seed=3)
    unknown_all = np.concatenate([f['unknown_labels'] for f in folds])
    assert len(unknown_all) == 10 and len(set(unknown_all.tolist())) == 10  # disjoint
    for f in folds:
        assert not set(f['train']) & set(f['val'])
        train_l, val_l = set(labels[f['train']]), set(labels[f['val']])
        assert not (train_l | val_l) & set(f['unknown_labels'].tolist())
        known = set(labels.tolist()) - set(f['unknown_labels'].tolist())
        assert train_l == known  # every known identity trains
        assert val_l == known - {99}  # and is validated, except the one seen once
        n_known = np.isin(labels, list(known)).sum()
        assert len(f['train']) + len(f['val']) == n_known
    # the per-identity val split is the same in every fold (sample level, seeded)
    with pytest.warns(UserWarning):
        again = split_folds(labels, 5, 2, 0.25, seed=3)
    assert all(np.array_equal(a['val'], b['val']) for a, b in zip(folds, again))


def test_split_folds_too_few_identities_names_the_fold():
    labels = np.repeat(np.arange(5), 4)
    with pytest.raises(ReIDFoldError, match='fold 2 would have 1 unknown'):
        split_folds(labels, num_folds=3, unknowns_per_fold=2)
    with pytest.raises(ReIDFoldError, match='fold 2 would have 0 unknown'):
        split_folds(np.repeat(np.arange(4), 4), num_folds=3, unknowns_per_fold=2)


def _samples_csv(tmp_path, labels):
    rows = [dict(row=i, quarter='Q1-000', angle='side', session=0, frame=i + 1, x=1, y=2,
                 w=10, h=20, label_id=int(u), crop_path=f'c/{i}.jpg')
            for i, u in enumerate(labels)]
    path = str(tmp_path / 'train_crops.csv')
    write_samples_csv(path, rows)
    return path


def test_ensure_fold_writes_once_and_reloads(tmp_path):
    labels = np.repeat(np.arange(8), 5)
    csv_path = _samples_csv(tmp_path, labels)
    fold_dir = str(tmp_path / 'folds')
    meta = ensure_fold(fold_dir, 1, csv_path, num_folds=3, unknowns_per_fold=2)
    assert len(meta['unknown_labels']) == 2
    assert meta['classes'] == sorted({r['label_id'] for r in meta['train']})
    assert {r['label_id'] for r in meta['val']} == set(meta['classes'])
    assert len(meta['train']) + len(meta['val']) == 30
    # the files exist for every fold; a different seed later does not rewrite them
    for k in range(3):
        assert all(__import__('os').path.isfile(p) for p in fold_paths(fold_dir, k).values())
    again = ensure_fold(fold_dir, 1, csv_path, num_folds=3, unknowns_per_fold=2, seed=7)
    assert again == meta
    assert read_samples_csv(fold_paths(fold_dir, 1)['train_samples']) == meta['train']


def test_load_fold_errors(tmp_path):
    with pytest.raises(ReIDFoldError, match='fold 0 metadata incomplete'):
        load_fold(str(tmp_path), 0)
    with pytest.raises(ReIDFoldError, match='outside 0..2'):
        ensure_fold(str(tmp_path), 3, 'x.csv', num_folds=3)
    with pytest.raises(ReIDFoldError, match='x.csv: file not found'):
        ensure_fold(str(tmp_path), 0, str(tmp_path / 'x.csv'), num_folds=3)
    bad = tmp_path / 'bad.csv'
    bad.write_text('row,quarter\n0,Q1\n')
    with pytest.raises(ReIDFoldError, match='bad.csv: missing column'):
        read_samples_csv(str(bad))
