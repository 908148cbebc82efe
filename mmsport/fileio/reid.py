"""Reading and writing the basketball player re-identification layout (docs/formats.md).

atmaCup22 style, under a data root:

- ``images/{quarter}__{angle}__{session:02d}__{frame:02d}.jpg``: full training frames
  (``quarter`` like ``Q1-000``, ``angle`` in {side, top}).
- ``train_meta.csv``: ``quarter,angle,session,frame,x,y,w,h,label_id``; boxes in pixels on
  the full frame, ``x, y`` = top-left corner.
- ``test_meta.csv``: ``x,y,w,h,quarter,session_no,frame_in_session,angle,rel_path``;
  ``rel_path`` (relative to the root) points at a pre-cropped test image under ``crops/``.
- submission: one ``label_id`` column, one row per test_meta row, ``-1`` = unknown player.

pandas is not a dependency of mmsport, so tables are read with :mod:`csv` into a
*column dict*: ``{column: np.ndarray (N,)}`` (strings as ``object`` arrays, integer
columns ``int64``, box columns ``float64``). :func:`table_row` turns row ``i`` into a
plain dict, the form :func:`image_path` and :func:`crop_cache_path` take.

Pure numpy / csv (no torch); every error is a :class:`ReIDDataError` naming the file.
"""
import csv
import math
import os
import warnings
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from mmsport.fileio.containers import check_finite, load_npz
from mmsport.structures.boxes import box_iou_xywh, clip_box, clip_boxes  # noqa: F401
from mmsport.utils.atomic import atomic_open

TRAIN_META_COLUMNS = ('quarter', 'angle', 'session', 'frame', 'x', 'y', 'w', 'h', 'label_id')
TEST_META_COLUMNS = ('x', 'y', 'w', 'h', 'quarter', 'session_no', 'frame_in_session', 'angle',
                     'rel_path')
SUBMISSION_COLUMNS = ('label_id',)
ANGLES = ('side', 'top')

_STR, _INT, _FLOAT = 'str', 'int', 'float'
_TRAIN_TYPES = dict(quarter=_STR, angle=_STR, session=_INT, frame=_INT, x=_FLOAT, y=_FLOAT,
                    w=_FLOAT, h=_FLOAT, label_id=_INT)
_TEST_TYPES = dict(x=_FLOAT, y=_FLOAT, w=_FLOAT, h=_FLOAT, quarter=_STR, session_no=_INT,
                   frame_in_session=_INT, angle=_STR, rel_path=_STR)
_MAX_LISTED = 10

Table = Dict[str, np.ndarray]


class ReIDDataError(ValueError):
    """Bad re-identification input; the message names the file and the problem."""


class ReIDDataWarning(UserWarning):
    """Suspicious but usable re-identification input; the message names the file."""


# ----------------------------------------------------------------------------- CSV tables


def _read_csv(path: str, columns: Sequence[str]) -> Tuple[List[str], List[List[str]]]:
    """Read a CSV with a header; check ``columns`` are present and every row is complete."""
    if not os.path.isfile(path):
        raise ReIDDataError(f'{path}: file is missing')
    try:
        with open(path, newline='', encoding='utf-8-sig') as f:
            rows = list(csv.reader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise ReIDDataError(f'{path}: cannot be read as CSV ({e})') from e
    if not rows:
        raise ReIDDataError(f'{path}: empty file (expected the header {",".join(columns)})')
    header = [c.strip() for c in rows[0]]
    missing = [c for c in columns if c not in header]
    if missing:
        raise ReIDDataError(f'{path}: missing column(s) {", ".join(missing)} '
                            f'(header is {",".join(header)!r})')
    body = [r for r in rows[1:] if any(v.strip() for v in r)]  # blank lines are ignored
    for i, r in enumerate(body):
        if len(r) != len(header):
            raise ReIDDataError(f'{path}: row {i} has {len(r)} fields, the header has '
                                f'{len(header)}: {r!r}')
    return header, body


def _parse_column(path: str, name: str, kind: str, values: List[str]) -> np.ndarray:
    """Convert one column's strings to ``kind``; a bad value names the file, row and column."""
    vals = [v.strip() for v in values]
    if kind == _STR:
        for i, v in enumerate(vals):
            if not v:
                raise ReIDDataError(f'{path}: row {i}, column {name}: empty value')
        return np.array(vals, dtype=object)
    try:
        arr = np.array(vals, dtype=np.float64)
        ok = np.isfinite(arr) & ((arr == np.round(arr)) if kind == _INT else True)
    except ValueError:
        arr, ok = None, None
    if arr is None or not ok.all():
        for i, v in enumerate(vals):  # error path only: find the first bad row
            try:
                f = float(v)
                good = math.isfinite(f) and (kind != _INT or f == round(f))
            except ValueError:
                good = False
            if not good:
                what = 'an integer' if kind == _INT else 'a finite number'
                raise ReIDDataError(f'{path}: row {i}, column {name}: {v!r} is not {what}')
    return arr.astype(np.int64) if kind == _INT else arr


def _read_table(path: str, types: Mapping[str, str]) -> Table:
    header, body = _read_csv(path, tuple(types))
    idx = {c: header.index(c) for c in types}
    table = {c: _parse_column(path, c, kind, [r[idx[c]] for r in body])
             for c, kind in types.items()}
    for i, a in enumerate(table['angle']):
        if a not in ANGLES:
            raise ReIDDataError(f'{path}: row {i}, column angle: {a!r} is not one of '
                                f'{", ".join(ANGLES)}')
    for c, kind in types.items():  # counters and identities are >= 0
        if kind == _INT and len(table[c]) and table[c].min() < 0:
            i = int(np.flatnonzero(table[c] < 0)[0])
            raise ReIDDataError(f'{path}: row {i}, column {c}: {table[c][i]} is negative')
    return table


def _check_duplicate_boxes(path: str, table: Table) -> None:
    """The same box of the same image twice: an error if the labels differ, else a
    warning (the row is used twice)."""
    keys = ('quarter', 'angle', 'session', 'frame', 'x', 'y', 'w', 'h')
    first: Dict[tuple, int] = {}
    repeats = []
    for i, key in enumerate(zip(*(table[k].tolist() for k in keys))):
        j = first.setdefault(key, i)
        if j != i:
            if table['label_id'][i] != table['label_id'][j]:
                raise ReIDDataError(f'{path}: row {i} repeats the box of row {j} with another '
                                    f'label_id ({table["label_id"][i]} vs '
                                    f'{table["label_id"][j]})')
            repeats.append(i)
    if repeats:
        warnings.warn(f'{path}: {len(repeats)} row(s) repeat the image and box of an earlier '
                      f'row with the same label_id (e.g. row {repeats[0]}); used as given',
                      ReIDDataWarning, stacklevel=3)


def table_len(table: Table) -> int:
    """Number of rows of a column dict."""
    return len(next(iter(table.values()))) if table else 0


def table_row(table: Table, i: int) -> dict:
    """Row ``i`` of a column dict as ``{column: python scalar}``."""
    return {k: v[i].item() if isinstance(v[i], np.generic) else v[i] for k, v in table.items()}


def read_train_meta(path: str) -> Table:
    """Read and validate ``train_meta.csv``.

    Args:
        path: the CSV file.

    Returns:
        dict of (N,) arrays: ``quarter, angle`` (object str), ``session, frame, label_id``
        (int64), ``x, y, w, h`` (float64). Extra columns are ignored; row ``i`` is the
        ``i``-th data row (0-based, header excluded).

    Raises:
        ReIDDataError: missing file or columns (all listed), a short row, a non-numeric
            or non-finite value, a negative session / frame / label_id, an unknown angle
            (file, row and column named), or the same box listed twice with different
            labels (both rows named; with the same label it is a ReIDDataWarning).
    """
    table = _read_table(path, _TRAIN_TYPES)
    _check_duplicate_boxes(path, table)
    return table


def read_test_meta(path: str, root: str, check_files: bool = True) -> Table:
    """Read and validate ``test_meta.csv``.

    Args:
        path: the CSV file.
        root: data root the ``rel_path`` column is relative to.
        check_files: check every ``root/rel_path`` exists; all missing files are
            counted in one error, the first ten listed with their row numbers.

    Returns:
        dict of (N,) arrays: ``x, y, w, h`` (float64), ``quarter, angle, rel_path``
        (object str), ``session_no, frame_in_session`` (int64).
    """
    table = _read_table(path, _TEST_TYPES)
    if check_files:
        missing = [(i, p) for i, p in enumerate(table['rel_path'])
                   if not os.path.isfile(os.path.join(root, p))]
        if missing:
            listed = '; '.join(f'row {i}: {p}' for i, p in missing[:_MAX_LISTED])
            more = (f'; ... and {len(missing) - _MAX_LISTED} more'
                    if len(missing) > _MAX_LISTED else '')
            raise ReIDDataError(f'{path}: {len(missing)} of {len(table["rel_path"])} '
                                f'rel_path file(s) missing under {root}: {listed}{more}')
    return table


def write_csv(path: str, header: Sequence[str], rows) -> None:
    """Write ``header`` then ``rows`` (iterables of values) to a CSV, atomically."""
    with atomic_open(path, 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(header)
        w.writerows(rows)


# ----------------------------------------------------------------------------- paths


def image_path(root: str, row: Mapping) -> str:
    """``<root>/images/{quarter}__{angle}__{session:02d}__{frame:02d}.jpg`` of a train row."""
    name = f'{row["quarter"]}__{row["angle"]}__{int(row["session"]):02d}__' \
           f'{int(row["frame"]):02d}.jpg'
    return os.path.join(root, 'images', name)


def _num_token(v) -> str:
    """A number as a file-name token: ``12``, ``12p5`` (12.5), ``m3`` (-3)."""
    v = float(v)
    s = str(int(v)) if v == int(v) else f'{v:.3f}'.rstrip('0')
    return s.replace('-', 'm').replace('.', 'p')


def crop_cache_path(cache_dir: str, row: Mapping, kind: Optional[str] = None) -> str:
    """Deterministic crop-cache file of a train row (or a negative of ``kind``).

    ``<cache_dir>[/negatives]/{quarter}/{angle}/{quarter}__{angle}__s{session:02d}__
    f{frame:02d}[__{kind}]__x{x}_y{y}_w{w}_h{h}.jpg``: the box is part of the name, so an
    edited box is a new file and a stale crop is never reused.

    Args:
        cache_dir: cache folder (e.g. ``<root>/train_crops_cache``).
        row: mapping with ``quarter, angle, session, frame, x, y, w, h``.
        kind: ``None`` for a player crop, else a negative kind (``background`` /
            ``partial``), stored under ``negatives/``.
    """
    q, a = str(row['quarter']), str(row['angle'])
    box = '_'.join(f'{k}{_num_token(row[k])}' for k in ('x', 'y', 'w', 'h'))
    tag = '' if kind is None else f'__{kind}'
    name = f'{q}__{a}__s{int(row["session"]):02d}__f{int(row["frame"]):02d}{tag}__{box}.jpg'
    parts = [cache_dir] + ([] if kind is None else ['negatives']) + [q, a, name]
    return os.path.join(*parts)


# ----------------------------------------------------------------------------- boxes


def write_submission(path: str, labels: Sequence[int]) -> None:
    """Write a submission (one ``label_id`` column, -1 = unknown) atomically.

    Raises:
        ReIDDataError: a label that is not an integer >= -1.
    """
    arr = np.asarray(labels).reshape(-1)
    if arr.size and (not np.issubdtype(arr.dtype, np.number) or not np.isfinite(arr).all()
                     or (arr != np.round(arr)).any() or (arr < -1).any()):
        raise ReIDDataError(f'{path}: labels must be integers >= -1 (-1 = unknown)')
    write_csv(path, SUBMISSION_COLUMNS, ([int(v)] for v in arr))


def read_submission(path: str, n_rows: Optional[int] = None) -> np.ndarray:
    """Read a submission's ``label_id`` column.

    Args:
        path: the CSV file.
        n_rows: expected number of rows (the test_meta rows); checked when given.

    Returns:
        (N,) int64 labels.
    """
    header, body = _read_csv(path, SUBMISSION_COLUMNS)
    j = header.index('label_id')
    labels = _parse_column(path, 'label_id', _INT, [r[j] for r in body])
    if n_rows is not None and len(labels) != n_rows:
        raise ReIDDataError(f'{path}: {len(labels)} row(s), expected {n_rows} '
                            f'(one per test_meta row)')
    bad = np.flatnonzero(labels < -1)
    if bad.size:
        raise ReIDDataError(f'{path}: row {bad[0]}, column label_id: {labels[bad[0]]} < -1')
    return labels


# ----------------------------------------------------------------------------- galleries


def check_gallery(path: str, g: Mapping[str, np.ndarray]) -> Dict[str, np.ndarray]:
    """Validate a gallery's arrays: ``centroids`` (C, D) finite, ``labels`` (C,) distinct
    integers >= 0, ``threshold`` a finite scalar. Errors name the file and the row."""
    cents, labels, thr = (np.asarray(g[k]) for k in ('centroids', 'labels', 'threshold'))
    if cents.ndim != 2 or labels.ndim != 1 or len(cents) != len(labels):
        raise ReIDDataError(f'{path}: centroids {cents.shape} and labels {labels.shape} '
                            'disagree (expected (C, D) and (C,))')
    if labels.dtype.kind not in 'iu':
        raise ReIDDataError(f'{path}: labels must be integers, got dtype {labels.dtype}')
    check_finite(path, 'centroids', cents, ReIDDataError)
    if labels.size and labels.min() < 0:
        i = int(np.flatnonzero(labels < 0)[0])
        raise ReIDDataError(f'{path}: labels[{i}] = {labels[i]} is negative (identities '
                            'are >= 0)')
    uniq, counts = np.unique(labels, return_counts=True)
    if (counts > 1).any():
        dup = int(uniq[counts > 1][0])
        rows = np.flatnonzero(labels == dup).tolist()
        raise ReIDDataError(f'{path}: label {dup} has several centroids (rows {rows})')
    if thr.size != 1 or thr.dtype.kind not in 'iuf' or not np.isfinite(thr).all():
        raise ReIDDataError(f'{path}: threshold must be a finite number, got {thr!r}')
    return dict(centroids=cents, labels=labels, threshold=thr.reshape(()))


def load_gallery(path: str) -> Dict[str, np.ndarray]:
    """Read and validate a gallery ``.npz`` (``centroids``, ``labels``, ``threshold``).

    Raises:
        ReIDDataError: missing, truncated or corrupt file, a missing array, or a value
            :func:`check_gallery` rejects (the message names the file).
    """
    g = load_npz(path, ('centroids', 'labels', 'threshold'), 'gallery', ReIDDataError)
    return check_gallery(path, g)
