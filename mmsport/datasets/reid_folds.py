"""Open-set K-fold splits for player re-identification, and their saved metadata.

Fold ``k`` of ``K``:

* ``unknowns_per_fold`` identities are held out as "unknown" (open set): the
  model never trains on them and the gallery does not contain them;
* every other ("known") identity has its samples split *per identity*
  (sample level, not label level): about ``val_ratio`` of them go to
  validation, the rest to training, so both halves contain every known label.
  An identity with a single sample cannot be split: it goes to training only,
  and a warning names it.

The unknown identities of the K folds are disjoint (a seeded permutation of
the sorted labels, taken ``unknowns_per_fold`` at a time); fewer than
``K * unknowns_per_fold`` identities (plus at least two known ones per fold)
is an error that names the fold left without unknowns.

The split is written once to ``fold_dir`` at training time
(``fold{k}_train_samples.csv``, ``fold{k}_val_samples.csv``,
``fold{k}_unknown_labels.csv``, ``fold{k}_classes.csv``) and read back at
inference, so training and inference always use the same samples.
"""
import csv
import math
import os
import os.path as osp
import warnings
from typing import Dict, List, Sequence

import numpy as np

from mmsport.utils.atomic import atomic_open

SAMPLE_COLUMNS = ('row', 'quarter', 'angle', 'session', 'frame', 'x', 'y', 'w', 'h',
                  'label_id', 'crop_path')
INT_COLUMNS = ('row', 'session', 'frame', 'label_id')
FLOAT_COLUMNS = ('x', 'y', 'w', 'h')


class ReIDFoldError(ValueError):
    """A fold cannot be made (too few identities) or its saved metadata is unusable."""


def _open_csv(path: str, columns: Sequence[str]):
    """(DictReader, file) of a CSV with ``columns``; errors name the file."""
    if not osp.isfile(path):
        raise ReIDFoldError(f'{path}: file not found')
    try:
        f = open(path, newline='', encoding='utf-8-sig')
        reader = csv.DictReader(f)
        fields = reader.fieldnames or ()
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise ReIDFoldError(f'{path}: cannot be read as CSV ({e})') from e
    missing = [c for c in columns if c not in fields]
    if missing:
        f.close()
        raise ReIDFoldError(f'{path}: missing column(s) {missing} (header: {list(fields)})')
    return reader, f


def read_samples_csv(path: str) -> List[Dict]:
    """Rows of a samples CSV (``train_crops.csv`` or a fold file) as typed dicts.

    Raises:
        ReIDFoldError: the file is missing or unreadable, lacks a column, has a bad
            value (not a number, an integer column with a fraction, a non-finite or
            non-positive box size) or a ``row`` listed twice; the message names the
            file and the line.
    """
    reader, f = _open_csv(path, SAMPLE_COLUMNS)
    rows, first_line = [], {}
    with f:
        try:
            for line, r in enumerate(reader, start=2):
                try:
                    ints = {}
                    for c in INT_COLUMNS:
                        v = float(r[c])
                        if not v == int(v):  # also refuses nan / inf (int() raises)
                            raise ValueError(f'{c} {r[c]!r} is not an integer')
                        ints[c] = int(v)
                    floats = {c: float(r[c]) for c in FLOAT_COLUMNS}
                except (TypeError, ValueError, OverflowError) as e:
                    raise ReIDFoldError(f'{path}, line {line}: bad value ({e})') from None
                bad = [c for c, v in floats.items() if not math.isfinite(v)]
                if bad:
                    raise ReIDFoldError(f'{path}, line {line}: {bad[0]} {r[bad[0]]!r} is not '
                                        'finite')
                if floats['w'] <= 0 or floats['h'] <= 0:
                    raise ReIDFoldError(f'{path}, line {line}: box size w={r["w"]}, '
                                        f'h={r["h"]} is not positive')
                if ints['row'] in first_line:
                    raise ReIDFoldError(f'{path}, line {line}: row {ints["row"]} already on '
                                        f'line {first_line[ints["row"]]}')
                first_line[ints['row']] = line
                if not (r['crop_path'] or '').strip():
                    raise ReIDFoldError(f'{path}, line {line}: empty crop_path')
                rows.append({**{c: r[c] for c in SAMPLE_COLUMNS}, **ints, **floats})
        except (UnicodeDecodeError, csv.Error) as e:
            raise ReIDFoldError(f'{path}: cannot be read as CSV ({e})') from e
    return rows


def _read_id_column(path: str, col: str, index_col: str = None) -> List[int]:
    """An integer column of a small fold CSV (``unknown_labels`` / ``classes``): values
    distinct and >= 0; ``index_col`` must count 0, 1, 2, ... Errors name file and line."""
    reader, f = _open_csv(path, (col, ) + ((index_col, ) if index_col else ()))
    out, seen = [], {}
    with f:
        for line, r in enumerate(reader, start=2):
            try:
                v = int(r[col])
                k = int(r[index_col]) if index_col else None
            except (TypeError, ValueError):
                raise ReIDFoldError(f'{path}, line {line}: {col} {r[col]!r} is not an '
                                    'integer') from None
            if v < 0:
                raise ReIDFoldError(f'{path}, line {line}: {col} {v} is negative')
            if v in seen:
                raise ReIDFoldError(f'{path}, line {line}: {col} {v} already on line '
                                    f'{seen[v]}')
            if index_col and k != len(out):
                raise ReIDFoldError(f'{path}, line {line}: {index_col} {k} where {len(out)} '
                                    'was expected')
            seen[v] = line
            out.append(v)
    return out


def write_samples_csv(path: str, rows: Sequence[Dict]) -> None:
    """Write sample rows atomically with the columns of :data:`SAMPLE_COLUMNS`."""
    with atomic_open(path, 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=SAMPLE_COLUMNS, extrasaction='ignore')
        w.writeheader()
        w.writerows(rows)


def split_folds(label_ids: Sequence[int], num_folds: int = 5, unknowns_per_fold: int = 2,
                val_ratio: float = 0.2, seed: int = 0) -> List[Dict[str, np.ndarray]]:
    """Sample-level open-set folds.

    Args:
        label_ids: (N,) identity of every sample.
        num_folds: K.
        unknowns_per_fold: identities held out (unknown) in each fold.
        val_ratio: share of each known identity's samples used for validation.
        seed: seeds the identity permutation and the per-identity splits.

    Returns:
        K dicts with ``train`` and ``val`` (sample indices, sorted) and
        ``unknown_labels`` (sorted identity ids).
    """
    labels = np.asarray(label_ids, dtype=np.int64)
    uniq = np.unique(labels)
    rng = np.random.default_rng(seed)
    perm = rng.permutation(uniq)
    need = num_folds * unknowns_per_fold
    for k in range(num_folds):
        got = len(perm[k * unknowns_per_fold:(k + 1) * unknowns_per_fold])
        if got < unknowns_per_fold or len(uniq) - got < 2:
            raise ReIDFoldError(
                f'fold {k} would have {got} unknown identities (wanted {unknowns_per_fold}):'
                f' {len(uniq)} identities cannot give {num_folds} folds x '
                f'{unknowns_per_fold} disjoint unknowns plus known ones (need > {need});'
                ' lower the number of folds or unknowns_per_fold')
    once = [int(u) for u in uniq if np.count_nonzero(labels == u) == 1]
    if once:
        warnings.warn(f'identities seen only once (train only, never validated): {once}')
    # One seeded val/train split per identity, shared by all folds.
    is_val = np.zeros(len(labels), dtype=bool)
    for u in uniq:
        idx = np.flatnonzero(labels == u)
        if len(idx) < 2:
            continue
        n_val = min(len(idx) - 1, max(1, int(round(val_ratio * len(idx)))))
        is_val[rng.choice(idx, n_val, replace=False)] = True
    folds = []
    for k in range(num_folds):
        unknown = np.sort(perm[k * unknowns_per_fold:(k + 1) * unknowns_per_fold])
        known = ~np.isin(labels, unknown)
        folds.append(dict(train=np.flatnonzero(known & ~is_val),
                          val=np.flatnonzero(known & is_val), unknown_labels=unknown))
    return folds


def fold_paths(fold_dir: str, fold: int) -> Dict[str, str]:
    """Paths of the four metadata files of one fold."""
    return {name: osp.join(fold_dir, f'fold{fold}_{name}.csv')
            for name in ('train_samples', 'val_samples', 'unknown_labels', 'classes')}


def save_fold(fold_dir: str, fold: int, samples: Sequence[Dict], split: Dict) -> None:
    """Write one fold's metadata (atomically; a half-written fold never looks complete)."""
    os.makedirs(fold_dir, exist_ok=True)
    p = fold_paths(fold_dir, fold)
    train = [samples[i] for i in split['train']]
    write_samples_csv(p['train_samples'], train)
    write_samples_csv(p['val_samples'], [samples[i] for i in split['val']])
    with atomic_open(p['unknown_labels'], 'w') as f:
        f.write('label_id\n' + ''.join(f'{int(u)}\n' for u in split['unknown_labels']))
    classes = sorted({int(r['label_id']) for r in train})
    with atomic_open(p['classes'], 'w') as f:
        f.write('class_index,label_id\n' + ''.join(f'{i},{u}\n' for i, u in enumerate(classes)))


def load_fold(fold_dir: str, fold: int) -> Dict:
    """Read one fold's metadata written by :func:`save_fold`.

    Returns:
        dict with ``train`` / ``val`` (sample rows), ``unknown_labels``
        (list of ids) and ``classes`` (list of ids; position = class index).
    """
    p = fold_paths(fold_dir, fold)
    absent = [v for v in p.values() if not osp.isfile(v)]
    if absent:
        raise ReIDFoldError(f'fold {fold} metadata incomplete in {fold_dir}: missing {absent};'
                            ' it is written when the fold is trained')
    out = dict(train=read_samples_csv(p['train_samples']),
               val=read_samples_csv(p['val_samples']))
    out['unknown_labels'] = _read_id_column(p['unknown_labels'], 'label_id')
    out['classes'] = _read_id_column(p['classes'], 'label_id', 'class_index')
    if not out['unknown_labels']:
        raise ReIDFoldError(f'{p["unknown_labels"]}: fold {fold} has no unknown identities')
    known, unknown = set(out['classes']), set(out['unknown_labels'])
    for key in ('train', 'val'):
        for r in out[key]:
            lab = r['label_id']
            if lab in unknown or lab not in known:
                what = 'an unknown (held-out) identity' if lab in unknown else \
                    f'not in {p["classes"]}'
                raise ReIDFoldError(f'{p[key + "_samples"]}: row {r["row"]}: label_id {lab} '
                                    f'is {what}; the fold metadata is inconsistent (delete '
                                    f'{fold_dir}/fold{fold}_* to rewrite it)')
    return out


def ensure_fold(fold_dir: str, fold: int, samples_csv: str, num_folds: int = 5,
                unknowns_per_fold: int = 2, val_ratio: float = 0.2, seed: int = 0) -> Dict:
    """Load fold ``fold`` from ``fold_dir``, creating all K folds' files first if absent.

    In a distributed run only rank 0 writes; the others wait for it.
    """
    from mmengine.dist import barrier, get_dist_info
    if not 0 <= fold < num_folds:
        raise ReIDFoldError(f'fold {fold} is outside 0..{num_folds - 1}')
    rank, world = get_dist_info()
    if rank == 0 and not all(osp.isfile(v) for v in fold_paths(fold_dir, fold).values()):
        samples = read_samples_csv(samples_csv)
        splits = split_folds([r['label_id'] for r in samples], num_folds, unknowns_per_fold,
                             val_ratio, seed)
        for k, split in enumerate(splits):
            save_fold(fold_dir, k, samples, split)
    if world > 1:
        barrier()
    return load_fold(fold_dir, fold)
