"""The detector's COCO json of the recognition preprocessing, from ``boxes.csv``.

:func:`load_boxes` checks the ``boxes.csv`` rows (``video,frame,category,x,y,w,h``; frame
1-based, pixels) against the usable train videos and clips each box to its image;
:func:`coco_train` builds the COCO detection json of the annotated frames of some train
videos, :func:`coco_test` that of every n-th frame of the test videos (no annotations).
``file_name`` is relative to the frames root (``train/<video>/img_00005.jpg``); categories
are ids 1..K in the given order. Used by
:mod:`~mmsport.datasets.preparation.recognition_preprocess`
(``tools/data/recognition/preprocess.py``).
"""
from collections import defaultdict

import numpy as np

from mmsport.datasets.preparation.video_inputs import MAX_ROWS_NAMED, Report

BOX_COLUMNS = ('video', 'frame', 'category', 'x', 'y', 'w', 'h')


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
