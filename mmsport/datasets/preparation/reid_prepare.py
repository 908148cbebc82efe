"""Crop-cache the training boxes and mine hard negatives (atmaCup22 layout, docs/formats.md).

    python tools/data/reid/prepare_data.py --data-root data/reid

For every image of ``<root>/train_meta.csv``:

- each box is clipped to the frame and cropped to
  ``<cache>/<quarter>/<angle>/<name with session, frame and box>.jpg``
  (:func:`reid_io.crop_cache_path`); an existing cache file is reused, not re-cropped.
  Zero-size / fully-outside boxes and rows whose image is missing or unreadable are
  reported (row, file, reason) and skipped.
- ``--negatives-per-image`` *background* crops (random player-shaped boxes with IoU 0
  with every player box) and as many *partial* crops (a player box shifted so that
  ``0 < max IoU < --partial-max-iou``) go to ``<cache>/negatives/...``.

Writes (atomically) ``<root>/train_crops.csv`` (``row,quarter,angle,session,frame,x,y,w,h,
label_id,crop_path``; ``row`` = 0-based train_meta row, the box clipped to the frame,
``crop_path`` relative to the root) and ``<root>/train_negatives.csv``
(``crop_path,kind,quarter,angle,session,frame,x,y,w,h``). Deterministic for ``--seed``
(one RNG per image name, so results do not depend on ``--num-workers``). Exit code 0
even when rows were skipped; 1 when train_meta.csv itself is missing or invalid; 130
when interrupted (Ctrl-C, SIGTERM: no csv is written, cache files are complete or absent).
The command line is :mod:`mmsport.cli.reid_prepare_data`; in Python, :func:`prepare`.
"""
import math
import os
import sys
import zlib
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np

from mmsport.fileio import reid as rio
from mmsport.fileio.media import MediaError, read_image
from mmsport.utils.interrupt import sigterm_as_interrupt

CROP_COLUMNS = ('row', 'quarter', 'angle', 'session', 'frame', 'x', 'y', 'w', 'h', 'label_id',
                'crop_path')
NEGATIVE_COLUMNS = ('crop_path', 'kind', 'quarter', 'angle', 'session', 'frame', 'x', 'y', 'w',
                    'h')
MAX_TRIES = 60


def pixel_box(box):
    """Integer pixel box covering a float ``xywh`` box: (x0, y0, x1, y1)."""
    x, y, w, h = (float(v) for v in box)
    return (int(math.floor(x)), int(math.floor(y)), int(math.ceil(x + w)),
            int(math.ceil(y + h)))


def save_crop(img, box, path):
    """Crop ``box`` (xywh, inside the frame) from ``img`` (H, W, 3) to ``path`` atomically;
    returns True when written, False when the cache file already existed."""
    if os.path.isfile(path):
        return False
    x0, y0, x1, y1 = pixel_box(box)
    ok, buf = cv2.imencode('.jpg', img[y0:y1, x0:x1], [cv2.IMWRITE_JPEG_QUALITY, 95])
    if not ok:
        raise OSError(f'{path}: JPEG encoding failed')
    with rio.atomic_open(path, 'wb') as f:
        f.write(buf.tobytes())
    return True


def sample_negatives(rng, boxes, width, height, n, kind, max_iou):
    """Random negative boxes for one image.

    Args:
        boxes: (K, 4) valid player boxes (xywh), K >= 1.
        kind: ``background`` (IoU 0 with every box) or ``partial``
            (``0 < max IoU < max_iou``, a player box shifted by about half its size).

    Returns:
        list of up to ``n`` integer (x, y, w, h) inside the frame.
    """
    out = []
    for _ in range(MAX_TRIES * n):
        if len(out) == n:
            break
        ref = boxes[rng.integers(len(boxes))]
        w = int(np.clip(round(ref[2] * rng.uniform(0.8, 1.2)), 4, width))
        h = int(np.clip(round(ref[3] * rng.uniform(0.8, 1.2)), 4, height))
        if kind == 'background':
            x, y = rng.integers(0, width - w + 1), rng.integers(0, height - h + 1)
        else:
            sx = rng.uniform(0.4, 0.8) * rng.choice([-1, 1])
            sy = rng.uniform(0.0, 0.5) * rng.choice([-1, 1])
            x = int(np.clip(round(ref[0] + sx * ref[2]), 0, width - w))
            y = int(np.clip(round(ref[1] + sy * ref[3]), 0, height - h))
        cand = (int(x), int(y), w, h)
        iou = rio.box_iou_xywh(np.array([cand]), boxes).max()
        if (iou == 0) if kind == 'background' else (0 < iou < max_iou):
            out.append(cand)
    return out


def process_image(job, cache_dir, *, data_root, negatives_per_image=2, partial_max_iou=0.3,
                  seed=0):
    """Crop and mine negatives for one image; returns a dict of results and reports.

    ``job``: ``(image name, image path, [(row index, row dict), ...])``
    (:func:`group_by_image`); the keyword arguments are those of :func:`prepare`.
    """
    name, path, rows = job  # rows: list of (row index, row dict)
    res = dict(crops=[], negatives=[], skipped=[], clipped=0, written=0, reused=0)
    rel_img = os.path.relpath(path, data_root)
    reason = None
    if not os.path.isfile(path):
        reason = 'image file is missing'
    else:
        try:  # a truncated jpg is refused (OpenCV would decode its missing rows grey)
            img = read_image(path, cv2.IMREAD_COLOR)
        except MediaError as e:
            reason = f'image cannot be decoded: {str(e)[len(path) + 2:]}'
    if reason is not None:
        res['skipped'] = [(i, rel_img, reason) for i, _ in rows]
        return res
    H, W = img.shape[:2]
    valid = []
    for i, r in rows:
        box = rio.clip_box(r['x'], r['y'], r['w'], r['h'], W, H)
        if box is None:
            res['skipped'].append((i, rel_img, f'box (x={r["x"]:g}, y={r["y"]:g}, w={r["w"]:g},'
                                               f' h={r["h"]:g}) is zero-size or outside the '
                                               f'{W}x{H} frame'))
            continue
        res['clipped'] += box != (r['x'], r['y'], r['w'], r['h'])
        crop_path = rio.crop_cache_path(cache_dir, r)
        res['written' if save_crop(img, box, crop_path) else 'reused'] += 1
        x0, y0, x1, y1 = pixel_box(box)
        valid.append((x0, y0, x1 - x0, y1 - y0))
        res['crops'].append((i, r['quarter'], r['angle'], r['session'], r['frame'], x0, y0,
                             x1 - x0, y1 - y0, r['label_id'],
                             os.path.relpath(crop_path, data_root)))
    if not valid or negatives_per_image <= 0:
        return res
    rng = np.random.default_rng([seed, zlib.crc32(name.encode())])
    meta = rows[0][1]
    for kind in ('background', 'partial'):
        for box in sample_negatives(rng, np.array(valid, np.float64), W, H,
                                    negatives_per_image, kind, partial_max_iou):
            neg = dict(meta, x=box[0], y=box[1], w=box[2], h=box[3])
            neg_path = rio.crop_cache_path(cache_dir, neg, kind=kind)
            res['written' if save_crop(img, box, neg_path) else 'reused'] += 1
            res['negatives'].append((os.path.relpath(neg_path, data_root), kind,
                                     meta['quarter'], meta['angle'], meta['session'],
                                     meta['frame']) + tuple(box))
    return res


def group_by_image(table, root):
    """[(image name, image path, [(row index, row dict), ...])] in first-seen order."""
    jobs = {}
    for i in range(rio.table_len(table)):
        r = rio.table_row(table, i)
        path = rio.image_path(root, r)
        jobs.setdefault(path, []).append((i, r))
    return [(os.path.basename(p), p, rows) for p, rows in jobs.items()]


def prepare(data_root: str = 'data/reid', *, cache_dir: str = None,
            negatives_per_image: int = 2, partial_max_iou: float = 0.3, seed: int = 0,
            num_workers: int = 0) -> int:
    """Crop-cache the boxes of ``data_root/train_meta.csv`` and mine negatives (module
    docstring); returns 0, 1 when train_meta.csv is missing or invalid, 130 when
    interrupted.

    Args:
        cache_dir: default ``<data_root>/train_crops_cache``.
        negatives_per_image: background crops per image, and as many partial crops.
        partial_max_iou: a partial crop overlaps a player box with ``0 < IoU <`` this.
        seed: one RNG per image name, from this seed.
        num_workers: threads decoding/cropping images (0: in the calling thread).
    """
    from mmengine.utils import ProgressBar
    root = data_root
    cache_dir = cache_dir or os.path.join(root, 'train_crops_cache')
    meta_path = os.path.join(root, 'train_meta.csv')
    try:
        table = rio.read_train_meta(meta_path)
    except rio.ReIDDataError as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    jobs = group_by_image(table, root)
    print(f'{meta_path}: {rio.table_len(table)} boxes on {len(jobs)} images -> {cache_dir}')
    results = []
    bar = ProgressBar(len(jobs), file=sys.stdout) if jobs else None
    opts = dict(data_root=root, negatives_per_image=negatives_per_image,
                partial_max_iou=partial_max_iou, seed=seed)
    pool = ThreadPoolExecutor(max(1, num_workers))
    try:  # SIGTERM raises KeyboardInterrupt here, as Ctrl-C does
        with sigterm_as_interrupt():
            # order-preserving map; per-image RNGs keep the output independent of scheduling
            for res in (pool.map(lambda j: process_image(j, cache_dir, **opts), jobs)
                        if num_workers > 0 else (process_image(j, cache_dir, **opts)
                                                 for j in jobs)):
                results.append(res)
                bar.update()
    except KeyboardInterrupt:
        print(f'\ninterrupted after {len(results)} of {len(jobs)} images; '
              'train_crops.csv and train_negatives.csv not written', file=sys.stderr)
        return 130
    finally:  # queued images dropped; the running ones end (their writes are atomic)
        pool.shutdown(wait=True, cancel_futures=True)
    print()
    crops = sorted(c for r in results for c in r['crops'])
    negatives = [n for r in results for n in r['negatives']]
    skipped = sorted(s for r in results for s in r['skipped'])
    for i, rel_img, reason in skipped:
        print(f'skipped: {meta_path} row {i} ({rel_img}): {reason}')
    rio.write_csv(os.path.join(root, 'train_crops.csv'), CROP_COLUMNS, crops)
    rio.write_csv(os.path.join(root, 'train_negatives.csv'), NEGATIVE_COLUMNS, negatives)
    kinds = [n[1] for n in negatives]
    print(f'{len(crops)} crops ({sum(r["clipped"] for r in results)} clipped to the frame), '
          f'{len(skipped)} rows skipped; {kinds.count("background")} background + '
          f'{kinds.count("partial")} partial negatives; cache files: '
          f'{sum(r["written"] for r in results)} written, '
          f'{sum(r["reused"] for r in results)} reused')
    print(f'wrote {os.path.join(root, "train_crops.csv")} and '
          f'{os.path.join(root, "train_negatives.csv")}')
    return 0

