"""Make fold rawframe lists and detector COCO json for action recognition (docs/formats.md).

    python tools/data/recognition/preprocess.py [--data-root data/recognition] [--folds 5]
        [--seed 0] [--out-dir <root>/lists] [--frames-root <root>/rawframes] [--det-every 4]
        [--min-frames 8]

Reads ``<root>/train.csv`` (``video,label``, label = class name), ``<root>/classes.txt``
(one class name a line, index order), ``<root>/boxes.csv`` (``video,frame,category,x,y,w,h``;
frame 1-based, pixels), ``<root>/sample_submission.csv`` (``video,...``: test ids in order)
and the rawframes of ``tools/data/extract_frames.py`` (``<frames-root>/{train,test}/<video>/
img_00001.jpg ...``, a finished folder holds a ``.done`` marker; extracted with ``--every 1``,
so that frame ``f`` of boxes.csv is ``img_{f:05d}.jpg``). Writes atomically under
``--out-dir``:

* ``train_list_rawframes_fold{k}.txt`` / ``val_list_rawframes_fold{k}.txt`` for
  ``k < --folds``: mmaction2 ``RawframeDataset`` lists, one line a video,
  ``frame_dir total_frames label_index`` with ``frame_dir`` relative to
  ``<frames-root>/train``. Folds come from a seeded ``StratifiedKFold`` over the usable
  videos (train.csv order): fold k's val list is the k-th held-out part.
* ``test_list_rawframes.txt``: the test videos in sample_submission order (``frame_dir``
  relative to ``<frames-root>/test``), label ``0`` as a placeholder (``RawframeDataset``
  needs an int; the value is never used).
* ``train_detect_fold{k}.json`` / ``val_detect_fold{k}.json``: COCO detection json of the
  annotated frames of the fold's train / val videos: ``images`` (``file_name`` relative to
  the frames root, e.g. ``train/<video>/img_00005.jpg``, ``width``/``height`` of the JPEG,
  plus ``video`` and ``frame_id``), ``annotations`` (``bbox`` [x, y, w, h] clipped to the
  image, ``area``, ``iscrowd`` 0) and ``categories`` (the box categories sorted by name,
  ids 1..K; the same in every file).
* ``test_detect.json``: every ``--det-every``-th frame (1, 1 + n, ...) of each listed test
  video, no annotations: the frames the detector runs on at inference.

Bad input is reported (file, line number counting the header as line 1, reason) and
skipped, the rest goes on: a train.csv row with a label missing from classes.txt, an empty
or duplicate video id; a video whose rawframes folder is missing, unfinished (no ``.done``),
has gaps in its ``img_*.jpg`` numbering or an unreadable first frame; a train video with
fewer than ``--min-frames`` frames (test videos that short are kept, with a note, so that
the submission stays complete: mmaction's ``SampleFrames`` loops over short videos); a
boxes.csv row naming an unknown or skipped video, a frame out of range, a bad number or a
box outside the image. Exit code 0 when something was written, 2 when train.csv or
classes.txt is unreadable, 1 when nothing could be written.

This module is the folds and the writing (:func:`preprocess` does the whole job; the
command line is :mod:`mmsport.cli.recognition_preprocess`); the sibling
:mod:`~mmsport.datasets.preparation.video_inputs` reads the inputs and checks the
rawframes, :mod:`~mmsport.datasets.preparation.coco_annotations` reads boxes.csv and
builds the COCO json (their names are re-exported here).
"""
import json
import os
import sys
from collections import Counter

import numpy as np

from mmsport.datasets.preparation.coco_annotations import (  # noqa: F401
    BOX_COLUMNS, _coco, _coco_image, _number, _row_list, coco_test, coco_train, frame_name,
    load_boxes)
from mmsport.datasets.preparation.video_inputs import (  # noqa: F401
    DONE, FRAME_RE, MAX_ROWS_NAMED, TRAIN_COLUMNS, InputError, Report, _folder_problem,
    load_test_videos, load_train_videos, read_classes, read_csv, scan_frames)
from mmsport.utils.atomic import atomic_open


# ----------------------------------------------------------------------------- building


def make_folds(labels, folds: int, seed: int) -> list:
    """Stratified folds: ``[(train_indices, val_indices)]``, ``folds`` of them."""
    from sklearn.model_selection import StratifiedKFold
    skf = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    labels = np.asarray(labels)
    return [(np.sort(tr), np.sort(va)) for tr, va in skf.split(np.zeros(len(labels)), labels)]


def rawframe_lines(videos) -> list:
    """RawframeDataset lines ``frame_dir total_frames label``."""
    return [f'{v["video"]} {v["frames"]} {v["label"]}' for v in videos]


# ----------------------------------------------------------------------------- writing


def write_lines(path: str, lines, written: list) -> None:
    """Write ``lines`` (one a line) to ``path`` atomically; append ``path`` to ``written``."""
    with atomic_open(path) as f:
        f.write(''.join(f'{line}\n' for line in lines))
    written.append(path)


def write_json(path: str, obj: dict, written: list) -> None:
    """Write ``obj`` as json to ``path`` atomically; append ``path`` to ``written``."""
    with atomic_open(path) as f:
        json.dump(obj, f)
    written.append(path)


def _class_counts(videos, classes) -> str:
    counts = Counter(v['label'] for v in videos)
    return ' '.join(f'{c}={counts.get(i, 0)}' for i, c in enumerate(classes))


def write_folds(videos, classes, boxes, categories, written: list, *, folds: int, seed: int,
                out_dir: str) -> None:
    """Write the ``folds`` per-fold rawframe lists (and detector json when ``boxes`` is not
    None) under ``out_dir``; ``seed``: of the fold shuffle."""
    labels = [v['label'] for v in videos]
    smallest = min(Counter(labels).values())
    if smallest < folds:
        Report.note(f'a class has only {smallest} usable video(s), fewer than --folds '
                    f'{folds}: some val folds lack it')
    print(f'{"fold":>4} {"train":>6} {"val":>5}  val videos per class')
    for k, (tr, va) in enumerate(make_folds(labels, folds, seed)):
        train_v, val_v = [videos[i] for i in tr], [videos[i] for i in va]
        write_lines(os.path.join(out_dir, f'train_list_rawframes_fold{k}.txt'),
                    rawframe_lines(train_v), written)
        write_lines(os.path.join(out_dir, f'val_list_rawframes_fold{k}.txt'),
                    rawframe_lines(val_v), written)
        msg = f'{k:>4} {len(train_v):>6} {len(val_v):>5}  {_class_counts(val_v, classes)}'
        if boxes is not None:
            tr_json, va_json = coco_train(train_v, boxes, categories), coco_train(
                val_v, boxes, categories)
            write_json(os.path.join(out_dir, f'train_detect_fold{k}.json'), tr_json, written)
            write_json(os.path.join(out_dir, f'val_detect_fold{k}.json'), va_json, written)
            msg += (f'  | detector train {len(tr_json["images"])} images '
                    f'{len(tr_json["annotations"])} boxes, val {len(va_json["images"])} images '
                    f'{len(va_json["annotations"])} boxes')
        print(msg)


def preprocess(data_root: str = 'data/recognition', *, folds: int = 5, seed: int = 0,
               out_dir: str = None, frames_root: str = None, det_every: int = 4,
               min_frames: int = 8) -> int:
    """Run the preprocessing (module docstring); returns the exit code (0 written, 1
    nothing, 2 bad input).

    Args:
        data_root: the set's root (``train.csv``, ``classes.txt``, ...).
        folds: number of stratified folds (>= 2); ``seed``: of the fold shuffle.
        out_dir: default ``<data_root>/lists``.
        frames_root: default ``<data_root>/rawframes``.
        det_every: ``test_detect.json`` takes every n-th frame of each test video.
        min_frames: train videos with fewer frames are skipped.
    """
    if folds < 2:
        raise ValueError(f'folds must be >= 2, got {folds}')
    if det_every < 1 or min_frames < 1:
        raise ValueError('det_every and min_frames must be >= 1')
    root = data_root
    out_dir = out_dir or os.path.join(root, 'lists')
    frames_root = frames_root or os.path.join(root, 'rawframes')
    where = dict(frames_root=frames_root, data_root=root, min_frames=min_frames)
    paths = {n: os.path.join(root, n) for n in ('train.csv', 'classes.txt', 'boxes.csv',
                                                 'sample_submission.csv')}
    report, written = Report(), []
    try:
        classes = read_classes(paths['classes.txt'])
        train_rows = read_csv(paths['train.csv'], TRAIN_COLUMNS)
    except InputError as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    videos = load_train_videos(train_rows, classes, paths['train.csv'], report, **where)
    print(f'classes: {", ".join(f"{i}={c}" for i, c in enumerate(classes))}')
    print(f'train videos: {len(videos)} usable of {len(train_rows)} rows '
          f'({_class_counts(videos, classes)})')

    boxes, categories = None, []
    try:
        box_rows = read_csv(paths['boxes.csv'], BOX_COLUMNS)
    except InputError as e:
        report.skip(paths['boxes.csv'], f'{e}: no detector json written')
    else:
        boxes = load_boxes(box_rows, paths['boxes.csv'], {v['video']: v for v in videos},
                           {r['video'] for _, r in train_rows}, report)
        categories = sorted({c for fr in boxes.values() for bs in fr.values() for c, _ in bs})
        print(f'boxes: {sum(len(b) for fr in boxes.values() for b in fr.values())} usable of '
              f'{len(box_rows)} rows; detector categories (ids 1..{len(categories)}): '
              f'{categories}')

    if len(videos) >= folds:
        write_folds(videos, classes, boxes, categories, written, folds=folds, seed=seed,
                    out_dir=out_dir)
    else:
        print(f'warning: {len(videos)} usable train videos, fewer than --folds {folds}: '
              'no fold lists or fold detector json written')

    try:
        test_rows = read_csv(paths['sample_submission.csv'], ('video', ))
    except InputError as e:
        report.skip(paths['sample_submission.csv'], f'{e}: no test lists written')
    else:
        test = load_test_videos(test_rows, paths['sample_submission.csv'], report, **where)
        write_lines(os.path.join(out_dir, 'test_list_rawframes.txt'), rawframe_lines(test),
                    written)
        msg = f'test videos: {len(test)} listed of {len(test_rows)} rows'
        if boxes is not None:
            test_json = coco_test(test, det_every, categories)
            write_json(os.path.join(out_dir, 'test_detect.json'), test_json, written)
            msg += f'; test_detect.json: {len(test_json["images"])} frames'
        print(msg)

    skipped = ', '.join(f'{os.path.basename(k)} {n}' for k, n in report.counts.items() if n)
    print(f'skipped rows: {skipped or "none"}')
    print(f'wrote {len(written)} files under {out_dir}')
    return 0 if written else 1

