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
                               folds: int = 2, seed: int = 0) -> str:
    """Generate a tiny set under ``root`` (64x48 videos), extract its rawframes and write the
    fold lists / detector json (``root/lists``) like train.sh does; returns ``root``."""
    # imported here: mmsport.datasets (torch) stays out of ``import mmsport.testing``
    from mmsport.datasets.preparation import recognition_preprocess
    from mmsport.testing.synthetic import recognition as recognition_synthetic
    from mmsport.video import extract_frames
    recognition_synthetic.main(
        ['--out', root, '--train', str(train), '--test', str(test), '--frames', str(frames),
         '--width', '64', '--height', '48', '--seed', str(seed)])
    for split in ('train', 'test'):
        rc = extract_frames.main([osp.join(root, 'videos', split),
                                  osp.join(root, 'rawframes', split)])
        if rc:
            raise RuntimeError(f'extract_frames.py failed on {root}/videos/{split}')
    if recognition_preprocess.main(['--data-root', root, '--folds', str(folds),
                                    '--det-every', '4']):
        raise RuntimeError(f'preprocess.py failed on {root}')
    return root
