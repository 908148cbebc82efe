"""The YOLO box layout as Roboflow and Ultralytics export it, read as it is.

    ROOT/data.yaml               names: [football, goalkeeper, ...]   (or {0: football, ...})
    ROOT/<split>/images/*.jpg
    ROOT/<split>/labels/<stem>.txt   one box a line: ``class cx cy w h`` (normalised to 0-1)

An image without a label file has no objects (the YOLO convention). Every label line
is checked where it is read; a bad one raises :class:`YOLOLabelError` naming the file
and the line. Boxes come back in mmdet's form (``x1, y1, x2, y2`` in pixels).
"""
import glob
import math
import os.path as osp
from typing import Dict, List, Sequence, Tuple

IMAGE_EXTS = ('.jpg', '.jpeg', '.png', '.bmp', '.webp')
# normalised coordinates may overshoot 0..1 by export rounding; beyond this a box is wrong
EDGE_TOLERANCE = 0.01


class YOLOLabelError(ValueError):
    """A bad file of the YOLO layout (the message names the file and line)."""


def read_class_names(yaml_path: str) -> Tuple[str, ...]:
    """Class names from ``data.yaml`` (``names`` as a list or an id -> name mapping).

    Raises:
        YOLOLabelError: missing file, no ``names``, ids that are not 0..n-1, or an
            ``nc`` that disagrees with the names.
    """
    import yaml
    if not osp.isfile(yaml_path):
        raise YOLOLabelError(f'{yaml_path}: not found (the YOLO layout names its classes there)')
    with open(yaml_path) as f:
        try:
            meta = yaml.safe_load(f) or {}
        except yaml.YAMLError as e:
            raise YOLOLabelError(f'{yaml_path}: not valid YAML ({e})') from None
    names = meta.get('names') if isinstance(meta, dict) else None
    if isinstance(names, dict):
        if sorted(names) != list(range(len(names))):
            raise YOLOLabelError(f'{yaml_path}: names has ids {sorted(names)}, expected '
                                 f'0..{len(names) - 1}')
        names = [names[i] for i in range(len(names))]
    if not isinstance(names, list) or not names:
        raise YOLOLabelError(f'{yaml_path}: no class list under "names"')
    nc = meta.get('nc')
    if nc is not None and nc != len(names):
        raise YOLOLabelError(f'{yaml_path}: nc is {nc} but names lists {len(names)} classes')
    return tuple(str(n) for n in names)


def parse_label_file(path: str, num_classes: int, width: int, height: int) -> List[dict]:
    """The boxes of one label file, as mmdet instances.

    Args:
        path: ``labels/<stem>.txt``.
        num_classes: class ids must lie in ``0..num_classes-1``.
        width, height: the image's size in pixels.

    Returns:
        ``[dict(bbox=[x1, y1, x2, y2], bbox_label=c, ignore_flag=0), ...]`` in pixels,
        clipped to the image (after the tolerance check).

    Raises:
        YOLOLabelError: naming the file and line: not 5 fields, a non-integer or
            out-of-range class, a non-finite value, a box of no size, or a box that
            leaves the image by more than :data:`EDGE_TOLERANCE`.
    """
    instances = []
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            fields = line.split()
            if not fields:
                continue
            where = f'{path}, line {lineno}'
            if len(fields) != 5:
                raise YOLOLabelError(f'{where}: {len(fields)} fields, expected 5 '
                                     f'(class cx cy w h): {line.strip()!r}')
            try:
                values = [float(v) for v in fields]
            except ValueError:
                raise YOLOLabelError(f'{where}: not a number in {line.strip()!r}') from None
            label, cx, cy, w, h = values
            if not all(math.isfinite(v) for v in values):
                raise YOLOLabelError(f'{where}: non-finite value in {line.strip()!r}')
            if label != int(label) or not 0 <= label < num_classes:
                raise YOLOLabelError(f'{where}: class {fields[0]} is not one of the '
                                     f'{num_classes} classes (0..{num_classes - 1})')
            if w <= 0 or h <= 0:
                raise YOLOLabelError(f'{where}: box of no size (w={w}, h={h})')
            x1, y1, x2, y2 = cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2
            tol = EDGE_TOLERANCE
            if x1 < -tol or y1 < -tol or x2 > 1 + tol or y2 > 1 + tol:
                raise YOLOLabelError(f'{where}: box ({x1:.3f}, {y1:.3f})-({x2:.3f}, {y2:.3f}) '
                                     'lies outside the image (normalised 0..1)')
            bbox = [min(max(x1, 0.), 1.) * width, min(max(y1, 0.), 1.) * height,
                    min(max(x2, 0.), 1.) * width, min(max(y2, 0.), 1.) * height]
            instances.append(dict(bbox=bbox, bbox_label=int(label), ignore_flag=0))
    return instances


def image_size(path: str) -> Tuple[int, int]:
    """(width, height) of an image from its header (the pixels are not decoded)."""
    from .media import read_image_size
    return read_image_size(path, YOLOLabelError)


def find_images(images_dir: str, exts: Sequence[str] = IMAGE_EXTS) -> List[str]:
    """Images directly under ``images_dir``, sorted by name."""
    if not osp.isdir(images_dir):
        raise YOLOLabelError(f'{images_dir}: not a folder (expected <split>/images/)')
    return sorted(p for p in glob.glob(osp.join(images_dir, '*'))
                  if osp.splitext(p)[1].lower() in exts)


def load_yolo_split(split_dir: str, class_names: Sequence[str]) -> List[Dict]:
    """Every image of ``split_dir`` (``images/`` + ``labels/``) as an mmdet data info.

    Returns:
        ``[dict(img_path, img_id, width, height, instances), ...]``, one per image in
        name order; ``img_id`` is the index.

    Raises:
        YOLOLabelError: no images, or a bad label line (named).
    """
    images = find_images(osp.join(split_dir, 'images'))
    if not images:
        raise YOLOLabelError(f'{split_dir}/images: no images ({", ".join(IMAGE_EXTS)})')
    infos = []
    for idx, img_path in enumerate(images):
        width, height = image_size(img_path)
        stem = osp.splitext(osp.basename(img_path))[0]
        label_path = osp.join(split_dir, 'labels', stem + '.txt')
        instances = (parse_label_file(label_path, len(class_names), width, height)
                     if osp.isfile(label_path) else [])
        infos.append(dict(img_path=img_path, img_id=idx, width=width, height=height,
                          instances=instances))
    return infos
