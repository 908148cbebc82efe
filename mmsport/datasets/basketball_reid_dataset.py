"""Player crops of one open-set re-identification fold (atmaCup22 layout)."""
import csv
import os.path as osp
from typing import Dict, List, Optional, Sequence

from mmengine.dataset import BaseDataset

from mmsport.registry import DATASETS
from .reid_folds import ReIDFoldError, ensure_fold, read_samples_csv

NEGATIVE_COLUMNS = ('crop_path', 'kind')


def read_negatives_csv(path: str) -> List[Dict]:
    """Rows (``crop_path``, ``kind``, ...) of ``train_negatives.csv``; errors name the file
    (and the line of an empty ``crop_path`` or a ``kind`` other than background / partial)."""
    try:
        with open(path, newline='', encoding='utf-8-sig') as f:
            reader = csv.DictReader(f)
            missing = [c for c in NEGATIVE_COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                raise ReIDFoldError(f'{path}: missing column(s) {missing}')
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise ReIDFoldError(f'{path}: cannot be read as CSV ({e})') from e
    for line, r in enumerate(rows, start=2):
        if not (r['crop_path'] or '').strip():
            raise ReIDFoldError(f'{path}, line {line}: empty crop_path')
        if r['kind'] not in ('background', 'partial'):
            raise ReIDFoldError(f'{path}, line {line}: kind {r["kind"]!r} is not background '
                                'or partial')
    return rows


@DATASETS.register_module()
class BasketballReIDDataset(BaseDataset):
    """Crops of one fold made by :func:`mmsport.datasets.reid_folds.ensure_fold`.

    ``split='train'``: the fold's training samples of known identities;
    ``gt_label`` is the class index (position of the identity in the fold's
    sorted known labels, as the ArcFace head needs).

    ``split='val'``: everything the open-set evaluation needs, tagged by
    ``role``: the gallery (the fold's training samples, ``role='gallery'``)
    and the queries (``role='query'``): held-out samples of known identities,
    every sample of the fold's unknown identities (``label_id=-1``) and, with
    ``negatives=True``, the background/partial crops of
    ``train_negatives.csv`` (``label_id=-1``).

    Every item carries ``img_path``, ``gt_label`` (class index, -1 when not a
    known identity), ``label_id`` (original id, -1 = unknown), ``angle``, ``camid``
    (one id per quarter/session/angle, so that the closed-set protocol does
    not count a near-duplicate frame of the same session as a match) and
    ``role``.

    Args:
        data_root: the dataset folder (holding ``train_crops.csv`` written by
            ``tools/data/reid/prepare_data.py``).
        fold: the fold index.
        fold_dir: where the fold metadata is saved / read
            (``fold{k}_*.csv``); default ``<data_root>/fold_metadata``.
        num_folds, unknowns_per_fold, val_ratio, fold_seed: the split
            (used only when the fold files do not exist yet).
        split: ``'train'`` or ``'val'``.
        angles: keep only these camera angles (e.g. ``('side',)``); None = all.
        negatives: add the negatives file's crops as unknown queries (val).
        samples_file, negatives_file: file names under ``data_root``.
    """

    def __init__(self, data_root: str, fold: int = 0, fold_dir: Optional[str] = None,
                 num_folds: int = 5, unknowns_per_fold: int = 2, val_ratio: float = 0.2,
                 fold_seed: int = 0, split: str = 'train',
                 angles: Optional[Sequence[str]] = None, negatives: bool = True,
                 samples_file: str = 'train_crops.csv',
                 negatives_file: str = 'train_negatives.csv', **kwargs):
        if split not in ('train', 'val'):
            raise ValueError(f"split must be 'train' or 'val', got {split!r}")
        self.fold = int(fold)
        self.fold_dir = fold_dir
        self.split_cfg = dict(num_folds=num_folds, unknowns_per_fold=unknowns_per_fold,
                              val_ratio=val_ratio, seed=fold_seed)
        self.split = split
        self.angles = None if angles is None else tuple(angles)
        self.negatives = negatives
        self.samples_file = samples_file
        self.negatives_file = negatives_file
        self._camids: Dict[tuple, int] = {}
        kwargs.setdefault('ann_file', '')
        super().__init__(data_root=data_root, **kwargs)

    def load_data_list(self) -> List[dict]:
        samples_csv = osp.join(self.data_root, self.samples_file)
        if not osp.isfile(samples_csv):
            raise ReIDFoldError(f'{samples_csv}: not found; run tools/data/reid/prepare_data.py'
                                f' --data-root {self.data_root} first')
        fold_dir = self.fold_dir or osp.join(self.data_root, 'fold_metadata')
        meta = ensure_fold(fold_dir, self.fold, samples_csv, **self.split_cfg)
        self.classes = tuple(meta['classes'])
        self._metainfo['classes'] = tuple(str(c) for c in self.classes)
        index = {label: i for i, label in enumerate(self.classes)}
        if self.split == 'train':
            return [self._item(r, index[r['label_id']], r['label_id'], 'gallery')
                    for r in meta['train'] if self._keep(r)]
        items = [self._item(r, index[r['label_id']], r['label_id'], 'gallery')
                 for r in meta['train'] if self._keep(r)]
        items += [self._item(r, index[r['label_id']], r['label_id'], 'query')
                  for r in meta['val'] if self._keep(r)]
        unknown = set(meta['unknown_labels'])
        items += [self._item(r, -1, -1, 'query') for r in read_samples_csv(samples_csv)
                  if r['label_id'] in unknown and self._keep(r)]
        neg_csv = osp.join(self.data_root, self.negatives_file)
        if self.negatives and osp.isfile(neg_csv):
            items += [self._item(r, -1, -1, 'query') for r in read_negatives_csv(neg_csv)
                      if self._keep(r)]
        return items

    def _keep(self, row: Dict) -> bool:
        return self.angles is None or row.get('angle') in self.angles

    def _item(self, row: Dict, gt_label: int, label_id: int, role: str) -> dict:
        key = (row.get('quarter'), str(row.get('session')), row.get('angle'))
        camid = self._camids.setdefault(key, len(self._camids))
        return dict(img_path=osp.join(self.data_root, row['crop_path']), gt_label=int(gt_label),
                    label_id=int(label_id), camid=camid, role=role, angle=row.get('angle'))
