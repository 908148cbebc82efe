"""Make fold rawframe lists and detector COCO json for action recognition (FORMATS.md).

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
"""
import argparse
import csv
import importlib.util
import json
import os
import re
import sys
from collections import Counter, defaultdict

import cv2
import numpy as np

_ATOMIC = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'mmsport',
                       'utils', 'atomic.py')
_spec = importlib.util.spec_from_file_location('mmsport_atomic_standalone', _ATOMIC)
_atomic = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_atomic)  # by path: importing mmsport would pull in torch
atomic_open = _atomic.atomic_open

DONE = '.done'
FRAME_RE = re.compile(r'^img_(\d+)\.jpg$')
TRAIN_COLUMNS = ('video', 'label')
BOX_COLUMNS = ('video', 'frame', 'category', 'x', 'y', 'w', 'h')
MAX_ROWS_NAMED = 5


class InputError(Exception):
    """A required input file (train.csv, classes.txt) cannot be used at all."""


class Report:
    """Counts skipped input rows per file; each problem is printed when it is added."""

    def __init__(self):
        self.counts = Counter()

    def skip(self, source: str, reason: str, n: int = 1) -> None:
        """Report ``n`` skipped rows of ``source`` (a file path) with ``reason``."""
        self.counts[source] += n
        print(f'skipped: {reason}')

    @staticmethod
    def note(msg: str) -> None:
        """Print a note that skips nothing."""
        print(f'note: {msg}')


def parse_args(argv=None):
    """Command-line arguments; the derived paths default under ``--data-root``."""
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--data-root', default='data/recognition')
    p.add_argument('--folds', type=int, default=5, help='number of stratified folds (>= 2)')
    p.add_argument('--seed', type=int, default=0, help='seed of the fold shuffle')
    p.add_argument('--out-dir', default=None, help='default: <data-root>/lists')
    p.add_argument('--frames-root', default=None, help='default: <data-root>/rawframes')
    p.add_argument('--det-every', type=int, default=4,
                   help='test_detect.json takes every n-th frame of each test video')
    p.add_argument('--min-frames', type=int, default=8,
                   help='train videos with fewer frames are skipped (the TSM segments)')
    a = p.parse_args(argv)
    if a.folds < 2:
        p.error(f'--folds must be >= 2, got {a.folds}')
    if a.det_every < 1 or a.min_frames < 1:
        p.error('--det-every and --min-frames must be >= 1')
    a.out_dir = a.out_dir or os.path.join(a.data_root, 'lists')
    a.frames_root = a.frames_root or os.path.join(a.data_root, 'rawframes')
    return a


# ----------------------------------------------------------------------------- reading


def read_classes(path: str) -> list:
    """Class names of ``classes.txt`` in index order; raises :class:`InputError`."""
    try:
        with open(path) as f:
            names = [line.strip() for line in f if line.strip()]
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f'{path}: cannot read the class list ({e})')
    if not names:
        raise InputError(f'{path}: no class names')
    dup = sorted(n for n, c in Counter(names).items() if c > 1)
    if dup:
        raise InputError(f'{path}: duplicate class names {dup}')
    return names


def read_csv(path: str, columns) -> list:
    """``[(line_number, row dict)]`` of a CSV with at least ``columns``.

    Raises:
        InputError: the file is missing, unreadable or lacks a column.
    """
    try:
        with open(path, newline='') as f:
            reader = csv.DictReader(f)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(f'{path}: missing column(s) {missing} (header: '
                                 f'{reader.fieldnames})')
            rows = [(reader.line_num, {k: (v or '').strip() for k, v in r.items() if k})
                    for r in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise InputError(f'{path}: cannot read ({e})')
    return rows


def scan_frames(folder: str):
    """Check a rawframes folder: ``(total_frames, (width, height))`` or ``(None, reason)``.

    A usable folder exists, holds the ``.done`` marker, and its ``img_*.jpg`` files are
    numbered 1..N without gaps (the count in the marker, when there is one, must be N).
    The size is read from ``img_00001.jpg``; extract_frames.py writes one size a folder.
    """
    if not os.path.isdir(folder):
        return None, 'missing'
    if not os.path.isfile(os.path.join(folder, DONE)):
        return None, f'unfinished (no {DONE} marker)'
    numbers = sorted(int(m.group(1)) for m in map(FRAME_RE.match, os.listdir(folder)) if m)
    if not numbers:
        return None, 'no img_*.jpg frames'
    if numbers != list(range(1, len(numbers) + 1)):
        gaps = sorted(set(range(1, numbers[-1] + 1)) - set(numbers))[:MAX_ROWS_NAMED]
        return None, f'img_*.jpg numbering has gaps (missing e.g. {gaps})'
    with open(os.path.join(folder, DONE)) as f:
        marker = f.read().split()
    if marker and marker[0].isdigit() and int(marker[0]) != len(numbers):
        return None, f'{DONE} says {marker[0]} frames but {len(numbers)} img_*.jpg found'
    img = cv2.imread(os.path.join(folder, 'img_00001.jpg'))
    if img is None:
        return None, 'img_00001.jpg is unreadable'
    return len(numbers), (int(img.shape[1]), int(img.shape[0]))


def _folder_problem(video: str, split: str, reason: str, a) -> str:
    """Message for an unusable rawframes folder, naming the folder and its video."""
    folder = os.path.join(a.frames_root, split, video)
    mp4 = os.path.join(a.data_root, 'videos', split, f'{video}.mp4')
    if reason == 'missing':
        hint = ('video also missing' if not os.path.isfile(mp4) else
                'video exists: run tools/data/extract_frames.py')
        return f'rawframes folder {folder} is missing ({mp4}: {hint})'
    return f'rawframes folder {folder}: {reason}'


def load_train_videos(rows, classes, csv_path: str, a, report: Report) -> list:
    """Usable train videos in train.csv order: dicts ``video, label, frames, size``."""
    index = {name: i for i, name in enumerate(classes)}
    seen, videos = set(), []
    for line, r in rows:
        where = f'{csv_path} line {line}'
        video, label = r['video'], r['label']
        if not video:
            report.skip(csv_path, f'{where}: empty video id')
            continue
        if video in seen:
            report.skip(csv_path, f'{where}: duplicate video {video!r} (first row kept)')
            continue
        seen.add(video)
        if label not in index:
            report.skip(csv_path, f'{where}: video {video!r} has label {label!r}, '
                        f'not in classes.txt {classes}')
            continue
        n, info = scan_frames(os.path.join(a.frames_root, 'train', video))
        if n is None:
            report.skip(csv_path, f'{where}: video {video!r}: '
                        f'{_folder_problem(video, "train", info, a)}')
            continue
        if n < a.min_frames:
            report.skip(csv_path, f'{where}: video {video!r} has {n} frames, fewer than '
                        f'--min-frames {a.min_frames}')
            continue
        videos.append(dict(video=video, label=index[label], frames=n, size=info))
    return videos


def load_test_videos(rows, csv_path: str, a, report: Report) -> list:
    """Test videos with usable rawframes, in sample_submission order."""
    seen, videos = set(), []
    for line, r in rows:
        where = f'{csv_path} line {line}'
        video = r['video']
        if not video or video in seen:
            report.skip(csv_path, f'{where}: {"empty" if not video else "duplicate"} '
                        f'video id {video!r}')
            continue
        seen.add(video)
        n, info = scan_frames(os.path.join(a.frames_root, 'test', video))
        if n is None:
            report.skip(csv_path, f'{where}: test video {video!r}: '
                        f'{_folder_problem(video, "test", info, a)}')
            continue
        if n < a.min_frames:
            report.note(f'{where}: test video {video!r} has only {n} frames (< --min-frames '
                        f'{a.min_frames}); kept so that it gets a prediction')
        videos.append(dict(video=video, label=0, frames=n, size=info))
    return videos


def _number(value: str):
    """``float(value)`` when finite, else None."""
    try:
        v = float(value)
    except ValueError:
        return None
    return v if np.isfinite(v) else None


def _row_list(lines) -> str:
    """``'lines 3, 4, 9 (+2 more)'`` for a list of line numbers."""
    shown = ', '.join(str(n) for n in lines[:MAX_ROWS_NAMED])
    more = f' (+{len(lines) - MAX_ROWS_NAMED} more)' if len(lines) > MAX_ROWS_NAMED else ''
    return f'line{"s" if len(lines) > 1 else ""} {shown}{more}'


def load_boxes(rows, csv_path: str, videos: dict, all_train: set, report: Report) -> dict:
    """Valid boxes: ``{video: {frame: [(category, [x, y, w, h])]}}``.

    Args:
        rows: ``read_csv`` rows of boxes.csv.
        csv_path: its path, for messages.
        videos: usable train videos by id (``frames`` and ``size`` are used).
        all_train: every video id of train.csv, to tell an unknown video from a skipped one.
        report: where skipped rows go. Rows of an unknown / skipped video are reported once
            per video.
    """
    out = defaultdict(lambda: defaultdict(list))
    unknown = defaultdict(list)
    for line, r in rows:
        where = f'{csv_path} line {line}'
        v = videos.get(r['video'])
        if v is None:
            unknown[r['video']].append(line)
            continue
        frame = r['frame']
        if not frame.isdigit() or not 1 <= int(frame) <= v['frames']:
            report.skip(csv_path, f'{where}: video {r["video"]!r} frame {frame!r} is not '
                        f'in 1..{v["frames"]} (the frames of its rawframes folder)')
            continue
        if not r['category']:
            report.skip(csv_path, f'{where}: empty category')
            continue
        x, y, w, h = (_number(r[k]) for k in 'xywh')
        if None in (x, y, w, h) or w <= 0 or h <= 0:
            report.skip(csv_path, f'{where}: bad box x,y,w,h = '
                        f'{[r[k] for k in "xywh"]} (numbers with w, h > 0 expected)')
            continue
        width, height = v['size']
        x0, y0 = max(0.0, x), max(0.0, y)
        x1, y1 = min(float(width), x + w), min(float(height), y + h)
        if x1 - x0 < 1 or y1 - y0 < 1:
            report.skip(csv_path, f'{where}: box {[x, y, w, h]} lies outside the '
                        f'{width}x{height} image')
            continue
        box = [round(x0, 2), round(y0, 2), round(x1 - x0, 2), round(y1 - y0, 2)]
        out[r['video']][int(frame)].append((r['category'], box))
    for video, lines in unknown.items():
        why = ('was skipped (see above)' if video in all_train else 'is not in train.csv')
        report.skip(csv_path, f'{csv_path} {_row_list(lines)}: video {video!r} {why}',
                    n=len(lines))
    return out


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


def frame_name(split: str, video: str, frame: int) -> str:
    """COCO ``file_name`` of a frame, relative to the frames root."""
    return f'{split}/{video}/img_{frame:05d}.jpg'


def _coco_image(image_id: int, split: str, v: dict, frame: int) -> dict:
    width, height = v['size']
    return dict(id=image_id, file_name=frame_name(split, v['video'], frame), width=width,
                height=height, video=v['video'], frame_id=frame)


def coco_train(videos, boxes: dict, categories: list) -> dict:
    """COCO json of the annotated frames of ``videos`` (train split)."""
    cat_id = {c: i + 1 for i, c in enumerate(categories)}
    images, anns = [], []
    for v in videos:
        for frame in sorted(boxes.get(v['video'], {})):
            images.append(_coco_image(len(images) + 1, 'train', v, frame))
            for cat, (x, y, w, h) in boxes[v['video']][frame]:
                anns.append(dict(id=len(anns) + 1, image_id=len(images), category_id=cat_id[cat],
                                 bbox=[x, y, w, h], area=round(w * h, 2), iscrowd=0))
    return _coco(images, anns, categories)


def coco_test(videos, every: int, categories: list) -> dict:
    """COCO json of every ``every``-th frame (1, 1 + every, ...) of ``videos``, no boxes."""
    images = []
    for v in videos:
        for frame in range(1, v['frames'] + 1, every):
            images.append(_coco_image(len(images) + 1, 'test', v, frame))
    return _coco(images, [], categories)


def _coco(images, anns, categories) -> dict:
    cats = [dict(id=i + 1, name=c, supercategory='object') for i, c in enumerate(categories)]
    return dict(info=dict(description='mmsport action recognition frames'), images=images,
                annotations=anns, categories=cats)


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


def write_folds(videos, classes, boxes, categories, a, written: list) -> None:
    """Write the per-fold rawframe lists (and detector json when ``boxes`` is not None)."""
    labels = [v['label'] for v in videos]
    smallest = min(Counter(labels).values())
    if smallest < a.folds:
        Report.note(f'a class has only {smallest} usable video(s), fewer than --folds '
                    f'{a.folds}: some val folds lack it')
    print(f'{"fold":>4} {"train":>6} {"val":>5}  val videos per class')
    for k, (tr, va) in enumerate(make_folds(labels, a.folds, a.seed)):
        train_v, val_v = [videos[i] for i in tr], [videos[i] for i in va]
        write_lines(os.path.join(a.out_dir, f'train_list_rawframes_fold{k}.txt'),
                    rawframe_lines(train_v), written)
        write_lines(os.path.join(a.out_dir, f'val_list_rawframes_fold{k}.txt'),
                    rawframe_lines(val_v), written)
        msg = f'{k:>4} {len(train_v):>6} {len(val_v):>5}  {_class_counts(val_v, classes)}'
        if boxes is not None:
            tr_json, va_json = coco_train(train_v, boxes, categories), coco_train(
                val_v, boxes, categories)
            write_json(os.path.join(a.out_dir, f'train_detect_fold{k}.json'), tr_json, written)
            write_json(os.path.join(a.out_dir, f'val_detect_fold{k}.json'), va_json, written)
            msg += (f'  | detector train {len(tr_json["images"])} images '
                    f'{len(tr_json["annotations"])} boxes, val {len(va_json["images"])} images '
                    f'{len(va_json["annotations"])} boxes')
        print(msg)


def main(argv=None) -> int:
    """Run the preprocessing; returns the exit code (0 written, 1 nothing, 2 bad input)."""
    a = parse_args(argv)
    root = a.data_root
    paths = {n: os.path.join(root, n) for n in ('train.csv', 'classes.txt', 'boxes.csv',
                                                 'sample_submission.csv')}
    report, written = Report(), []
    try:
        classes = read_classes(paths['classes.txt'])
        train_rows = read_csv(paths['train.csv'], TRAIN_COLUMNS)
    except InputError as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    videos = load_train_videos(train_rows, classes, paths['train.csv'], a, report)
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

    if len(videos) >= a.folds:
        write_folds(videos, classes, boxes, categories, a, written)
    else:
        print(f'warning: {len(videos)} usable train videos, fewer than --folds {a.folds}: '
              'no fold lists or fold detector json written')

    try:
        test_rows = read_csv(paths['sample_submission.csv'], ('video', ))
    except InputError as e:
        report.skip(paths['sample_submission.csv'], f'{e}: no test lists written')
    else:
        test = load_test_videos(test_rows, paths['sample_submission.csv'], a, report)
        write_lines(os.path.join(a.out_dir, 'test_list_rawframes.txt'), rawframe_lines(test),
                    written)
        msg = f'test videos: {len(test)} listed of {len(test_rows)} rows'
        if boxes is not None:
            test_json = coco_test(test, a.det_every, categories)
            write_json(os.path.join(a.out_dir, 'test_detect.json'), test_json, written)
            msg += f'; test_detect.json: {len(test_json["images"])} frames'
        print(msg)

    skipped = ', '.join(f'{os.path.basename(k)} {n}' for k, n in report.counts.items() if n)
    print(f'skipped rows: {skipped or "none"}')
    print(f'wrote {len(written)} files under {a.out_dir}')
    return 0 if written else 1


if __name__ == '__main__':
    sys.exit(main())
