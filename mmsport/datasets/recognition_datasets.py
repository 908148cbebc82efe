"""mmaction2 recognition datasets that expose their labels for repeat-factor oversampling.

mmengine's ``ClassBalancedDataset`` (repeat-factor sampling: a sample is repeated
``ceil(max(1, sqrt(oversample_thr / f)))`` times, ``f`` the frequency of its rarest class)
needs ``get_cat_ids(idx)`` from the dataset it wraps, which mmaction's datasets lack.
Under ``default_scope='mmsport'`` a config writes::

    dataset=dict(type='ClassBalancedDataset', oversample_thr=0.3,
                 dataset=dict(type='RawframeCatDataset', ann_file=..., data_prefix=...,
                              pipeline=...))

``ClassBalancedDataset`` lives in mmengine's root ``DATASETS``, an ancestor of mmsport's,
so it resolves unprefixed; it builds the inner dataset in the default scope.
"""
from typing import List

from mmaction.datasets import RawframeDataset, VideoDataset
from mmengine.dataset import BaseDataset

from mmsport.registry import DATASETS


class _LabelCatIdsMixin:
    """``get_cat_ids`` from the ``label`` of a recognition data info (int or list of int)."""

    def get_cat_ids(self, idx: int) -> List[int]:
        """Class indices of sample ``idx``: ``[label]``, the labels of a multi-class sample,
        or ``[]`` for an unlabelled one (label -1), which then is never repeated.
        """
        # mmengine's get_data_info: mmaction's own turns multi-class labels into a one-hot
        label = BaseDataset.get_data_info(self, idx)['label']
        labels = [int(v) for v in label] if isinstance(label, (list, tuple)) else [int(label)]
        return [v for v in labels if v >= 0]


@DATASETS.register_module()
class RawframeCatDataset(_LabelCatIdsMixin, RawframeDataset):
    """mmaction2's ``RawframeDataset`` with ``get_cat_ids`` (for ``ClassBalancedDataset``).

    Same arguments and list format as ``RawframeDataset``
    (``frame_dir total_frames label`` a line).
    """


@DATASETS.register_module()
class VideoCatDataset(_LabelCatIdsMixin, VideoDataset):
    """mmaction2's ``VideoDataset`` with ``get_cat_ids`` (for ``ClassBalancedDataset``).

    Same arguments and list format as ``VideoDataset`` (``path label`` a line).
    """
