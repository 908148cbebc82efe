"""Box geometry on ``(x, y, w, h)`` boxes in pixels (numpy only)."""
import math
from typing import Optional, Tuple

import numpy as np


def clip_box(x, y, w, h, width, height) -> Optional[tuple]:
    """Clip an ``xywh`` box to a ``width x height`` frame.

    Returns:
        ``(x, y, w, h)`` of the clipped box (ints stay ints), or ``None`` when the box is
        zero-size, not finite or entirely outside the frame.
    """
    if not all(math.isfinite(float(v)) for v in (x, y, w, h)):
        return None
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + w, width), min(y + h, height)
    if x1 <= x0 or y1 <= y0:
        return None
    return x0, y0, x1 - x0, y1 - y0


def clip_boxes(boxes: np.ndarray, width, height) -> Tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`clip_box`.

    Args:
        boxes: (N, 4) ``xywh``.

    Returns:
        (clipped (N, 4) float64, valid (N,) bool); rows where ``valid`` is False are
        zero-size / outside / not finite (their clipped values are meaningless).
    """
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    x0 = np.maximum(b[:, 0], 0)
    y0 = np.maximum(b[:, 1], 0)
    x1 = np.minimum(b[:, 0] + b[:, 2], width)
    y1 = np.minimum(b[:, 1] + b[:, 3], height)
    with np.errstate(invalid='ignore'):
        valid = np.isfinite(b).all(1) & (x1 > x0) & (y1 > y0)
    return np.stack([x0, y0, x1 - x0, y1 - y0], 1), valid


def box_iou_xywh(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairwise IoU of ``xywh`` boxes.

    Args:
        a: (N, 4) boxes; b: (M, 4) boxes.

    Returns:
        (N, M) float64 IoU; 0 where the union is empty.
    """
    a = np.asarray(a, dtype=np.float64).reshape(-1, 4)
    b = np.asarray(b, dtype=np.float64).reshape(-1, 4)
    ax1, ay1 = a[:, 0] + a[:, 2], a[:, 1] + a[:, 3]  # (N,)
    bx1, by1 = b[:, 0] + b[:, 2], b[:, 1] + b[:, 3]  # (M,)
    iw = np.minimum(ax1[:, None], bx1[None]) - np.maximum(a[:, None, 0], b[None, :, 0])
    ih = np.minimum(ay1[:, None], by1[None]) - np.maximum(a[:, None, 1], b[None, :, 1])
    inter = np.clip(iw, 0, None) * np.clip(ih, 0, None)  # (N, M)
    area_a = np.clip(a[:, 2], 0, None) * np.clip(a[:, 3], 0, None)
    area_b = np.clip(b[:, 2], 0, None) * np.clip(b[:, 3], 0, None)
    union = area_a[:, None] + area_b[None] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


# ----------------------------------------------------------------------------- submission
