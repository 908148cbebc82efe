"""Read the inputs of the recognition preprocessing and check the videos' rawframes.

``classes.txt`` (class names in index order), CSV files (``train.csv``,
``sample_submission.csv``, ``boxes.csv``: rows with their line numbers), and the rawframes
folder of each train / test video (``.done`` marker, ``img_*.jpg`` numbered 1..N without
gaps, readable first frame). A required file that cannot be used raises
:class:`InputError`; a bad row or video is reported through :class:`Report` and skipped.
Used by :mod:`~mmsport.datasets.preparation.recognition_preprocess`
(``tools/data/recognition/preprocess.py``).
"""
import csv
import os
import re
from collections import Counter

import cv2

from mmsport.fileio.media import image_problem

DONE = '.done'
FRAME_RE = re.compile(r'^img_(\d+)\.jpg$')
TRAIN_COLUMNS = ('video', 'label')
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
    numbered 1..N without gaps (the count in the marker, when there is one, must be N),
    each jpg complete (ends with the JPEG end marker; checked from its last bytes).
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
    for name in sorted(n for n in os.listdir(folder) if FRAME_RE.match(n)):
        # head and tail of each jpg: a truncated one would decode grey
        problem = image_problem(os.path.join(folder, name))
        if problem:
            return None, f'{name}: {problem}'
    img = cv2.imread(os.path.join(folder, 'img_00001.jpg'))
    if img is None:
        return None, 'img_00001.jpg is unreadable'
    return len(numbers), (int(img.shape[1]), int(img.shape[0]))


def _folder_problem(video: str, split: str, reason: str, *, frames_root: str,
                    data_root: str) -> str:
    """Message for an unusable rawframes folder, naming the folder and its video."""
    folder = os.path.join(frames_root, split, video)
    mp4 = os.path.join(data_root, 'videos', split, f'{video}.mp4')
    if reason == 'missing':
        hint = ('video also missing' if not os.path.isfile(mp4) else
                'video exists: run tools/data/extract_frames.py')
        return f'rawframes folder {folder} is missing ({mp4}: {hint})'
    return f'rawframes folder {folder}: {reason}'


def load_train_videos(rows, classes, csv_path: str, report: Report, *, frames_root: str,
                      data_root: str, min_frames: int = 8) -> list:
    """Usable train videos in train.csv order: dicts ``video, label, frames, size``.

    A video's rawframes are ``<frames_root>/train/<video>`` (its mp4, named when they are
    missing, ``<data_root>/videos/train/<video>.mp4``); one with fewer than
    ``min_frames`` frames is skipped.
    """
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
        n, info = scan_frames(os.path.join(frames_root, 'train', video))
        if n is None:
            problem = _folder_problem(video, 'train', info, frames_root=frames_root,
                                      data_root=data_root)
            report.skip(csv_path, f'{where}: video {video!r}: {problem}')
            continue
        if n < min_frames:
            report.skip(csv_path, f'{where}: video {video!r} has {n} frames, fewer than '
                        f'--min-frames {min_frames}')
            continue
        videos.append(dict(video=video, label=index[label], frames=n, size=info))
    return videos


def load_test_videos(rows, csv_path: str, report: Report, *, frames_root: str,
                     data_root: str, min_frames: int = 8) -> list:
    """Test videos with usable rawframes (``<frames_root>/test/<video>``), in
    sample_submission order; one shorter than ``min_frames`` is kept, with a note."""
    seen, videos = set(), []
    for line, r in rows:
        where = f'{csv_path} line {line}'
        video = r['video']
        if not video or video in seen:
            report.skip(csv_path, f'{where}: {"empty" if not video else "duplicate"} '
                        f'video id {video!r}')
            continue
        seen.add(video)
        n, info = scan_frames(os.path.join(frames_root, 'test', video))
        if n is None:
            problem = _folder_problem(video, 'test', info, frames_root=frames_root,
                                      data_root=data_root)
            report.skip(csv_path, f'{where}: test video {video!r}: {problem}')
            continue
        if n < min_frames:
            report.note(f'{where}: test video {video!r} has only {n} frames (< --min-frames '
                        f'{min_frames}); kept so that it gets a prediction')
        videos.append(dict(video=video, label=0, frames=n, size=info))
    return videos
