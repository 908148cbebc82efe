"""Player re-identification, bad inputs: metadata CSVs, galleries, fold metadata, fold
score files and images. Each is an error naming the file and the row (or key); crop
preparation carries on past a truncated image, skipping only its rows; no output of a
bad input is left looking finished."""
import csv
import os
import shutil

import numpy as np
import pytest

from mmsport.datasets.reid_folds import (ReIDFoldError, fold_paths, load_fold, save_fold,
                                         split_folds)
from mmsport.fileio.reid import (TRAIN_META_COLUMNS, ReIDDataError, ReIDDataWarning,
                                 load_gallery, read_train_meta, write_csv)
from mmsport.testing.bad_inputs import leftovers, rewrite_csv, truncate

ROWS = [['Q1-000', 'side', '0', '1', '10', '20', '30', '60', '0'],
        ['Q1-000', 'side', '0', '1', '50', '20', '30', '60', '1'],
        ['Q1-000', 'top', '1', '2', '80', '40', '25', '50', '2']]


def _meta(tmp_path, edit=None):
    path = str(tmp_path / 'train_meta.csv')
    write_csv(path, TRAIN_META_COLUMNS, [list(r) for r in ROWS])
    if edit:
        rewrite_csv(path, edit)
    return path


@pytest.mark.parametrize('edit,msg', [
    (lambda r: [x.pop(6) for x in r], r'missing column\(s\) w'),
    (lambda r: r[2].__setitem__(4, 'ten'), r"row 1, column x: 'ten' is not a finite number"),
    (lambda r: r[1].__setitem__(7, 'nan'), r"row 0, column h: 'nan' is not a finite number"),
    (lambda r: r[3].__setitem__(8, '1.5'), r"row 2, column label_id: '1.5' is not an integer"),
    (lambda r: r[2].__setitem__(2, '-1'), r'row 1, column session: -1 is negative'),
    (lambda r: r[1].__setitem__(1, 'Side'), r"row 0, column angle: 'Side' is not one of"),
    (lambda r: r[2].pop(), r'row 1 has 8 fields, the header has 9'),
    (lambda r: r.append(r[1][:8] + ['5']),
     r'row 3 repeats the box of row 0 with another label_id \(5 vs 0\)'),
], ids=['column', 'text', 'nan', 'fraction', 'negative', 'angle', 'short', 'conflict'])
def test_bad_train_meta_names_file_row_column(tmp_path, edit, msg):
    path = _meta(tmp_path, edit)
    with pytest.raises(ReIDDataError, match=path + ': ' + msg):
        read_train_meta(path)


def test_repeated_row_with_the_same_label_warns(tmp_path):
    path = _meta(tmp_path, lambda r: r.append(list(r[2])))
    with pytest.warns(ReIDDataWarning, match=path + r': 1 row\(s\) repeat .* row 3'):
        assert len(read_train_meta(path)['x']) == 4


def _gallery(path, centroids=None, labels=None, threshold=0.5):
    c = np.eye(3, 4, dtype=np.float32) if centroids is None else centroids
    lab = np.arange(3) if labels is None else labels
    np.savez(path, centroids=c, labels=np.asarray(lab, np.int64),
             threshold=np.float64(threshold))
    return str(path)


@pytest.mark.parametrize('make,msg', [
    (lambda p: truncate(_gallery(p), 0.5), r'not a readable gallery, truncated or corrupt'),
    (lambda p: np.savez(p, centroids=np.eye(3)), r"not a gallery: no 'labels', 'threshold'"),
    (lambda p: _gallery(p, centroids=np.full((3, 4), np.nan, np.float32)),
     r'centroids\[0, 0\] is nan'),
    (lambda p: _gallery(p, labels=[4, 7, 4]), r'label 4 has several centroids \(rows \[0, 2\]'),
    (lambda p: _gallery(p, labels=[0, -1, 2]), r'labels\[1\] = -1 is negative'),
    (lambda p: _gallery(p, threshold=np.inf), r'threshold must be a finite number'),
    (lambda p: _gallery(p, labels=[0, 1]), r'centroids \(3, 4\) and labels \(2,\) disagree'),
], ids=['truncated', 'keys', 'nan', 'duplicate', 'negative', 'threshold', 'shape'])
def test_bad_gallery_names_the_file(tmp_path, make, msg):
    path = str(tmp_path / 'gallery.npz')
    make(path)
    with pytest.raises(ReIDDataError, match=path + ': ' + msg):
        load_gallery(path)


def test_api_gallery_error_is_both_kinds(tmp_path):
    from mmsport.apis.reid import CropReadError
    from mmsport.apis.reid import load_gallery as api_load
    path = truncate(_gallery(str(tmp_path / 'g.npz')), 0.3)
    with pytest.raises(CropReadError, match=path) as e:  # what mmsport.cli.reid_inference catches
        api_load(path)
    assert isinstance(e.value, ReIDDataError)


def _fold_dir(tmp_path):
    rows = [dict(row=i, quarter='Q1-000', angle='side', session=0, frame=i % 4,
                 x=1.0 * i, y=2.0, w=10.0, h=20.0, label_id=i // 4, crop_path=f'c/{i}.jpg')
            for i in range(24)]
    d = str(tmp_path / 'folds')
    split = split_folds([r['label_id'] for r in rows], num_folds=2, unknowns_per_fold=2)
    save_fold(d, 0, rows, split[0])
    assert load_fold(d, 0)['unknown_labels']
    return d, fold_paths(d, 0)


@pytest.mark.parametrize('key,edit,msg', [
    ('train_samples', lambda r: r[3].__setitem__(5, 'nan'), r', line 4: x .nan. is not finite'),
    ('train_samples', lambda r: r[3].__setitem__(0, r[2][0]), r', line 4: row \d+ already on '
                                                              r'line 3'),
    ('train_samples', lambda r: r[2].__setitem__(7, '0'), r', line 3: box size w=0, h=20.0 is '
                                                          'not positive'),
    ('train_samples', lambda r: r[2].__setitem__(9, '1.5'), r', line 3: bad value \(label_id '
                                                            r"'1.5' is not an integer"),
    ('classes', lambda r: r[2].__setitem__(1, 'x'), r", line 3: label_id 'x' is not an "
                                                    'integer'),
    ('classes', lambda r: r.append([str(len(r) - 1), r[1][1]]),
     r', line \d+: label_id \d+ already on line 2'),
    ('unknown_labels', lambda r: r.__setitem__(slice(1, None), []), r': fold 0 has no unknown'),
], ids=['nan', 'duplicate row', 'zero box', 'label fraction', 'class text', 'class twice',
        'no unknowns'])
def test_bad_fold_metadata_names_file_and_line(tmp_path, key, edit, msg):
    d, paths = _fold_dir(tmp_path)
    rewrite_csv(paths[key], edit)
    with pytest.raises(ReIDFoldError, match=paths[key] + msg):
        load_fold(d, 0)


def test_fold_samples_inconsistent_with_classes(tmp_path):
    d, paths = _fold_dir(tmp_path)
    unknown = load_fold(d, 0)['unknown_labels'][0]
    rewrite_csv(paths['val_samples'], lambda r: r[1].__setitem__(9, str(unknown)))
    with pytest.raises(ReIDFoldError, match=paths['val_samples'] + r': row \d+: label_id '
                       f'{unknown} is an unknown \\(held-out\\) identity'):
        load_fold(d, 0)


def test_fold_score_ensemble_names_a_damaged_file(tmp_path):
    from mmsport.apis.cross_validation.reid_inference_cv import ensemble
    for k in (0, 1):
        os.makedirs(tmp_path / f'fold{k}')
        np.savez(tmp_path / f'fold{k}' / 'test_scores.npz', sims=np.eye(4, 3, dtype=np.float32),
                 labels=np.arange(3), threshold=np.float64(0.5), rows_digest=np.str_('abc'))
    work_dir = str(tmp_path)
    labels, _ = ensemble(work_dir, [0, 1])
    assert len(labels) == 4
    bad = truncate(str(tmp_path / 'fold1' / 'test_scores.npz'), 0.5)
    with pytest.raises(ValueError, match=bad + ': not a readable fold score file'):
        ensemble(work_dir, [0, 1])
    np.savez(bad, sims=np.full((4, 3), np.nan, np.float32), labels=np.arange(3),
             threshold=np.float64(0.5), rows_digest=np.str_('abc'))
    with pytest.raises(ValueError, match=bad + r': sims\[0, 0\] is nan'):
        ensemble(work_dir, [0, 1])


def test_crop_preparation_skips_a_truncated_image_and_carries_on(tmp_path, capsys):
    """A truncated full frame: OpenCV would decode it with grey rows and crop those; the
    preparation skips its rows (file named, 'truncated') and crops every other image."""
    from mmsport.cli import make_synthetic_reid as gen
    from mmsport.cli import reid_prepare_data as prep
    root = str(tmp_path / 'reid')
    assert gen.main(['--out', root, '--identities', '6', '--unseen', '1', '--sessions', '1',
                     '--frames', '2', '--seed', '2']) == 0
    with open(os.path.join(root, 'train_meta.csv'), newline='') as f:
        rows = list(csv.DictReader(f))
    r0 = rows[0]
    name = f'{r0["quarter"]}__{r0["angle"]}__{int(r0["session"]):02d}__{int(r0["frame"]):02d}.jpg'
    truncate(os.path.join(root, 'images', name), 0.6)
    n_bad = sum(all(r[k] == r0[k] for k in ('quarter', 'angle', 'session', 'frame'))
                for r in rows)
    assert prep.main(['--data-root', root]) == 0
    out = capsys.readouterr().out
    assert f'row 0 (images/{name}): image cannot be decoded: truncated or corrupt JPEG' in out
    assert f'{n_bad} rows skipped' in out
    with open(os.path.join(root, 'train_crops.csv'), newline='') as f:
        crops = list(csv.DictReader(f))
    assert len(crops) == len(rows) - n_bad
    assert not any(c['quarter'] == r0['quarter'] and c['frame'] == r0['frame']
                   and c['session'] == r0['session'] and c['angle'] == r0['angle']
                   for c in crops)
    assert not leftovers(root)
    shutil.rmtree(root)
