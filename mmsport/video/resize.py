"""Resizing frames to a model's input size: one function for training and inference."""
from typing import Tuple

import cv2
import numpy as np


def resize_frame(img: np.ndarray, size: Tuple[int, int]) -> np.ndarray:
    """Area-resample a (H, W, 3) frame to ``size`` = (w, h).

    Exact halvings are done with INTER_LINEAR, which at a factor of 2 averages
    each 2x2 block (the same as INTER_AREA) several times faster; whatever
    remains uses INTER_AREA. Training, evaluation and streaming inference all
    resize through this function.
    """
    w, h = size
    while (img.shape[0] % 2 == 0 and img.shape[1] % 2 == 0
           and img.shape[1] // 2 >= w and img.shape[0] // 2 >= h):
        img = cv2.resize(img, (img.shape[1] // 2, img.shape[0] // 2),
                         interpolation=cv2.INTER_LINEAR)
    if img.shape[1] != w or img.shape[0] != h:
        img = cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA)
    return img
