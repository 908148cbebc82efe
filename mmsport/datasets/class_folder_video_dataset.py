"""Action-recognition videos laid out as ``<root>/<class>/*.mp4``, read as they are.

Public clip sets (e.g. a basketball action set: ``videos/defense/defense_0.mp4``) come
as one folder per class, with no annotation file. :class:`ClassFolderVideoDataset`
lists them directly and makes a fixed stratified split, so a config needs no list file
and no preparation step.
"""
import os
import os.path as osp
from typing import List, Optional, Sequence

import numpy as np

from mmsport.fileio.media import VIDEO_EXTS, MediaError
from mmsport.registry import DATASETS
from .recognition_datasets import VideoCatDataset


def stratified_split(n_per_class: Sequence[int], val_fraction: float,
                     seed: int) -> List[np.ndarray]:
    """Per class, a boolean mask of the items held out for validation.

    Each class keeps ``round(n * val_fraction)`` items out (at least 1 when it has 2
    or more and ``val_fraction > 0``), drawn with ``numpy.random.default_rng(seed)``;
    the same seed gives the same split on every machine.
    """
    if not 0.0 <= val_fraction < 1.0:
        raise ValueError(f'val_fraction must be in [0, 1), got {val_fraction}')
    rng = np.random.default_rng(seed)
    masks = []
    for n in n_per_class:
        k = int(round(n * val_fraction))
        if val_fraction > 0 and n >= 2:
            k = min(max(k, 1), n - 1)
        mask = np.zeros(n, bool)
        mask[rng.permutation(n)[:k]] = True
        masks.append(mask)
    return masks


def probe_clip(path: str) -> int:
    """Frames OpenCV decodes from a clip (read to the end: meant for short clips); an
    unreadable clip or one without frames is a :class:`MediaError` naming it.

    OpenCV, not decord: decord 0.6 fails on some small clips whose width is not a
    multiple of 16 ("Check failed: from_size == to_size"), so configs of short player
    crops decode with mmaction2's ``OpenCVInit`` / ``OpenCVDecode``.
    """
    from mmsport.video.indexed_reader import OpenCVIndexedReader
    return len(OpenCVIndexedReader(path))


@DATASETS.register_module()
class ClassFolderVideoDataset(VideoCatDataset):
    """Videos in ``data_root/<class>/*.<ext>``, labelled by their folder.

    Args:
        data_root: the folder holding one sub-folder per class.
        classes: class names in label order (None: the sub-folders, sorted). Each
            must be a sub-folder.
        split: ``'train'``, ``'val'`` or ``'all'``; the split is stratified by class
            and fixed by ``split_seed`` (:func:`stratified_split`).
        val_fraction: share of each class held out for ``'val'``.
        split_seed: seed of the split (not of training).
        check_videos: open every clip once when indexing, so an unreadable clip or
            one without frames is an error naming it before training starts.
        pipeline, test_mode, ...: see mmaction2's ``VideoDataset``.

    Raises:
        MediaError: a missing root or class folder, a class folder without videos,
            or (with ``check_videos``) an unreadable clip, each naming the path.
    """

    def __init__(self, data_root: str, classes: Optional[Sequence[str]] = None,
                 split: str = 'all', val_fraction: float = 0.2, split_seed: int = 0,
                 check_videos: bool = True, **kwargs):
        if split not in ('train', 'val', 'all'):
            raise ValueError(f"split must be 'train', 'val' or 'all', got {split!r}")
        self.folder_classes = None if classes is None else list(classes)
        self.split = split
        self.val_fraction = float(val_fraction)
        self.split_seed = int(split_seed)
        self.check_videos = check_videos
        root = data_root
        classes = self._classes(root)
        kwargs.setdefault('ann_file', '')
        metainfo = dict(kwargs.pop('metainfo', None) or {}, classes=tuple(classes))
        super().__init__(data_root=root, metainfo=metainfo, **kwargs)

    def _classes(self, root: str) -> List[str]:
        if not osp.isdir(root):
            raise MediaError(f'{root}: no such folder of class folders')
        found = sorted(d for d in os.listdir(root) if osp.isdir(osp.join(root, d))
                       and not d.startswith('.'))
        if self.folder_classes is None:
            if not found:
                raise MediaError(f'{root}: no class folders')
            return found
        missing = [c for c in self.folder_classes if c not in found]
        if missing:
            raise MediaError(f'{root}: class folder(s) {missing} missing (found {found})')
        return self.folder_classes

    def load_data_list(self) -> List[dict]:
        classes = self.metainfo['classes']
        per_class = []
        for name in classes:
            folder = osp.join(self.data_root, name)
            videos = sorted(f for f in os.listdir(folder)
                            if f.lower().endswith(VIDEO_EXTS) and not f.startswith('.'))
            if not videos:
                raise MediaError(f'{folder}: class folder without videos '
                                 f'({", ".join(VIDEO_EXTS)})')
            per_class.append([osp.join(folder, v) for v in videos])
        masks = stratified_split([len(v) for v in per_class], self.val_fraction,
                                 self.split_seed)
        data_list = []
        for label, (videos, held_out) in enumerate(zip(per_class, masks)):
            for path, is_val in zip(videos, held_out):
                if self.split == 'train' and is_val or self.split == 'val' and not is_val:
                    continue
                if self.check_videos:
                    probe_clip(path)
                data_list.append(dict(filename=path, label=label))
        return data_list
