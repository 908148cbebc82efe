"""Letterbox every frame of a clip into a square (or any box), aspect ratio kept."""
from typing import Sequence, Tuple, Union

import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from mmsport.registry import TRANSFORMS


def letterbox_geometry(size_hw: Tuple[int, int], box_wh: Tuple[int, int]):
    """``(scale, new (w, h), offset (x, y))`` fitting an image of ``size_hw`` (h, w)
    centred inside ``box_wh`` (w, h)."""
    h, w = size_hw
    bw, bh = box_wh
    scale = min(bw / w, bh / h)
    nw, nh = max(1, int(round(w * scale))), max(1, int(round(h * scale)))
    return scale, (nw, nh), ((bw - nw) // 2, (bh - nh) // 2)


@TRANSFORMS.register_module()
class LetterboxClip(BaseTransform):
    """Resize the frames of ``imgs`` to fit ``size`` with their aspect ratio kept, and pad
    the rest with ``pad_value`` (centred), as public player-crop sets are prepared
    ("resize with padding to 224x224"): a portrait crop of a player is not stretched.

    Required keys: ``imgs`` (list of (H, W, 3) uint8). Modified: ``imgs``, ``img_shape``.

    Args:
        size: side of the square, or (w, h).
        pad_value: the padding's value (one number or one per channel).
    """

    def __init__(self, size: Union[int, Sequence[int]] = 224,
                 pad_value: Union[int, Sequence[int]] = 0):
        self.box = (int(size), int(size)) if np.isscalar(size) else tuple(int(v) for v in size)
        self.pad_value = pad_value

    def transform(self, results: dict) -> dict:
        imgs = results['imgs']
        _, (nw, nh), (x0, y0) = letterbox_geometry(imgs[0].shape[:2], self.box)
        bw, bh = self.box
        out = []
        for img in imgs:
            canvas = np.empty((bh, bw) + img.shape[2:], img.dtype)
            canvas[...] = self.pad_value
            interp = cv2.INTER_AREA if nw < img.shape[1] else cv2.INTER_LINEAR
            canvas[y0:y0 + nh, x0:x0 + nw] = cv2.resize(img, (nw, nh), interpolation=interp)
            out.append(canvas)
        results['imgs'] = out
        results['img_shape'] = (bh, bw)
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(size={self.box}, pad_value={self.pad_value})'
