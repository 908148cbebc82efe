"""Tiny synthetic action-recognition data (videos, rawframes, fold lists, COCO json) for tests."""
import os.path as osp


def reroot(obj, old: str, new: str):
    """Copy of a config value with every string that starts with ``old`` re-rooted at ``new``
    (e.g. a config's ``data/recognition/...`` paths moved to a tiny test set)."""
    if isinstance(obj, str):
        return new + obj[len(old):] if obj.startswith(old) else obj
    if isinstance(obj, dict):
        return type(obj)({k: reroot(v, old, new) for k, v in obj.items()})
    if isinstance(obj, (list, tuple)):
        return type(obj)(reroot(v, old, new) for v in obj)
    return obj


def make_tiny_recognition_data(root: str, train: int = 20, test: int = 6, frames: int = 16,
                               folds: int = 2, seed: int = 0, width: int = 64,
                               height: int = 48) -> str:
    """Generate a tiny set under ``root`` (``width`` x ``height`` videos, 64x48 by default),
    extract its rawframes and write the fold lists / detector json (``root/lists``) like
    train.sh does; returns ``root``."""
    # imported here: mmsport.datasets (torch) stays out of ``import mmsport.testing``
    from mmsport.datasets.preparation import recognition_preprocess
    from mmsport.testing.synthetic import recognition as recognition_synthetic
    from mmsport.video import extract_frames
    recognition_synthetic.generate(root, train=train, test=test, frames=frames, width=width,
                                   height=height, seed=seed)
    for split in ('train', 'test'):
        rc = extract_frames.extract_videos(osp.join(root, 'videos', split),
                                           osp.join(root, 'rawframes', split))
        if rc:
            raise RuntimeError(f'extract_frames.py failed on {root}/videos/{split}')
    if recognition_preprocess.preprocess(root, folds=folds, det_every=4):
        raise RuntimeError(f'preprocess.py failed on {root}')
    return root


def make_tiny_class_folders(root: str, classes=('defense', 'dribbling', 'nothing', 'passing',
                                                'shooting'),
                            per_class: int = 3, frames: int = 7, size=(32, 48),
                            fps: float = 24.0) -> str:
    """Write ``root/<class>/<class>_<n>.mp4`` clips (the class-folder layout of public
    action sets: short portrait player crops, ``size`` (w, h), ``fps``); returns ``root``.

    Each class's clips show a bar moving in its own direction, so a model can tell them apart.
    """
    import os

    import cv2
    import numpy as np

    from mmsport.testing.ball_layouts import write_video
    w, h = size
    for c, name in enumerate(classes):
        folder = osp.join(root, name)
        os.makedirs(folder, exist_ok=True)
        for k in range(per_class):
            paths = []
            for i in range(frames):
                img = np.full((h, w, 3), 40 + 20 * k, np.uint8)
                y = (i * (c + 1) * 3) % h
                img[y:y + 4] = 255
                paths.append(osp.join(folder, f'.frame{i}.jpg'))
                cv2.imwrite(paths[-1], img)
            write_video(osp.join(folder, f'{name}_{k}.mp4'), paths, fps=fps)
            for p in paths:
                os.remove(p)
    return root
