"""mmdet dataset over the YOLO box layout (``data.yaml`` + ``<split>/images`` + ``<split>/labels``).

Detection configs build their datasets in mmdet's scope (``_scope_='mmdet'``), so this
module registers :class:`YOLODetectionDataset` in mmdet's ``DATASETS``; configs import it
through ``custom_imports`` (mmdet is slow to import, so ``import mmsport`` does not).
No conversion step and no annotation file: the labels are read as exported, checked line
by line (:mod:`mmsport.fileio.yolo_boxes`). mmdet's ``CocoMetric`` evaluates it without an
``ann_file`` when the test pipeline packs ``instances`` into the samples' metainfo.
"""
import os.path as osp
from typing import List, Optional

from mmdet.datasets import BaseDetDataset
from mmdet.registry import DATASETS as MMDET_DATASETS

from mmsport.fileio.yolo_boxes import YOLOLabelError, load_yolo_split, read_class_names


class YOLODetectionDataset(BaseDetDataset):
    """Boxes of one split of a YOLO export (Roboflow, Ultralytics).

    Args:
        data_root: the folder holding ``data.yaml`` and the split folders.
        split: ``train``, ``valid``, ``test``, ... (``<data_root>/<split>/images``).
        yaml_file: the class list, relative to ``data_root``.
        metainfo: ``dict(classes=...)`` renames the classes (same count as
            ``data.yaml``); default: the names in ``data.yaml``.
        filter_cfg: ``dict(filter_empty_gt=True)`` drops images without boxes
            (training); ``min_size`` drops images smaller than that.
        **kwargs: :class:`mmdet.datasets.BaseDetDataset` arguments (pipeline, ...).
    """

    def __init__(self, data_root: str, split: str = 'train', yaml_file: str = 'data.yaml',
                 metainfo: Optional[dict] = None, **kwargs):
        self.split = split
        names = read_class_names(osp.join(data_root, yaml_file))
        metainfo = dict(metainfo or {})
        given = metainfo.get('classes')
        if given is not None and len(given) != len(names):
            raise YOLOLabelError(f'{osp.join(data_root, yaml_file)}: {len(names)} classes '
                                 f'{list(names)}, but the config names {len(given)}: '
                                 f'{list(given)}')
        metainfo['classes'] = tuple(given or names)
        super().__init__(data_root=data_root, ann_file='', metainfo=metainfo, **kwargs)

    def load_data_list(self) -> List[dict]:
        """One data info per image: ``img_path, img_id, width, height, instances``."""
        return load_yolo_split(osp.join(self.data_root, self.split), self.metainfo['classes'])

    def filter_data(self) -> List[dict]:
        """Apply ``filter_cfg`` (``filter_empty_gt``, ``min_size``); test mode keeps all."""
        if self.test_mode or not self.filter_cfg:
            return self.data_list
        drop_empty = self.filter_cfg.get('filter_empty_gt', False)
        min_size = self.filter_cfg.get('min_size', 0)
        return [info for info in self.data_list
                if not (drop_empty and not info['instances'])
                and min(info['width'], info['height']) >= min_size]


if MMDET_DATASETS.get('YOLODetectionDataset') is None:
    MMDET_DATASETS.register_module(module=YOLODetectionDataset)
