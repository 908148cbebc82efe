"""Tiny generated data in the YOLO box layout (``data.yaml``, ``<split>/images|labels``)."""
import os
import os.path as osp
from typing import Sequence

import cv2
import numpy as np

SOCCER_CLASSES = ('football', 'goalkeeper', 'player', 'referee')
_COLOURS = {0: (255, 255, 255), 1: (0, 200, 255), 2: (200, 40, 40), 3: (20, 20, 20)}


def make_tiny_yolo_boxes(root: str, splits: Sequence[str] = ('train', 'valid'),
                         images: int = 4, width: int = 128, height: int = 96,
                         classes: Sequence[str] = SOCCER_CLASSES, seed: int = 0) -> str:
    """Write green-pitch images with drawn players and a ball, labelled as YOLO exports them.

    Each image holds one ball (class 0, a 4x4 px square) and one box of every other class
    (tall 8x20 px rectangles), at random places. Returns ``root``.
    """
    rng = np.random.default_rng(seed)
    os.makedirs(root, exist_ok=True)
    with open(osp.join(root, 'data.yaml'), 'w') as f:
        f.write(f'names: [{", ".join(classes)}]\nnc: {len(classes)}\n')
    for split in splits:
        img_dir, lab_dir = osp.join(root, split, 'images'), osp.join(root, split, 'labels')
        os.makedirs(img_dir, exist_ok=True)
        os.makedirs(lab_dir, exist_ok=True)
        for i in range(images):
            img = np.zeros((height, width, 3), np.uint8)
            img[:] = (40, 140, 40)
            lines = []
            for label in range(len(classes)):
                bw, bh = (4, 4) if label == 0 else (8, 20)
                x1 = int(rng.integers(0, width - bw))
                y1 = int(rng.integers(0, height - bh))
                cv2.rectangle(img, (x1, y1), (x1 + bw - 1, y1 + bh - 1),
                              _COLOURS.get(label, (0, 0, 255)), -1)
                lines.append(f'{label} {(x1 + bw / 2) / width:.6f} {(y1 + bh / 2) / height:.6f} '
                             f'{bw / width:.6f} {bh / height:.6f}')
            stem = f'{split}_{i:03d}'
            cv2.imwrite(osp.join(img_dir, stem + '.jpg'), img)
            with open(osp.join(lab_dir, stem + '.txt'), 'w') as f:
                f.write('\n'.join(lines) + '\n')
    return root

