"""Re-identification inference: batched crop embeddings, saved galleries, folder matching."""
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
from mmengine.dataset import Compose, pseudo_collate
from mmengine.utils import ProgressBar

from mmsport.fileio.media import image_problem
from mmsport.fileio.reid import ReIDDataError
from mmsport.utils.atomic import atomic_open

IMAGE_EXTS = ('.jpg', '.jpeg', '.png', '.bmp')


class CropReadError(RuntimeError):
    """A crop image cannot be read; the message names the file."""


class GalleryError(CropReadError, ReIDDataError):
    """A gallery file cannot be used; the message names the file."""


class _CropList(torch.utils.data.Dataset):
    """Crops through the config's test pipeline; errors name the file."""

    def __init__(self, paths: Sequence[str], pipeline: Compose):
        self.paths = list(paths)
        self.pipeline = pipeline

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, i: int) -> dict:
        info = dict(img_path=self.paths[i], label_id=-1, camid=0, role='query', gt_label=-1)
        problem = image_problem(self.paths[i])
        if problem:
            raise CropReadError(f'{self.paths[i]}: cannot read crop ({problem})')
        try:
            out = self.pipeline(info)
        except Exception as e:  # noqa: BLE001  (re-raised with the file named)
            raise CropReadError(f'{self.paths[i]}: cannot read crop ({e})') from e
        if out is None:
            raise CropReadError(f'{self.paths[i]}: cannot read crop')
        return out


@torch.no_grad()
def extract_embeddings(model, img_paths: Sequence[str], pipeline: Optional[List[dict]] = None,
                       batch_size: int = 64, num_workers: int = 0,
                       progress: bool = True) -> np.ndarray:
    """L2-normalised embeddings of crop images, in batches.

    Args:
        model: an ``ArcFaceTripletReID`` in eval mode with ``model.cfg`` set
            (from :func:`mmsport.apis.init_model`).
        img_paths: N image files.
        pipeline: the test pipeline; default ``model.cfg.test_pipeline``.
        batch_size: crops per forward pass.
        num_workers: DataLoader worker processes decoding the crops.

    Returns:
        (N, D) float32 array, rows of unit norm.
    """
    from mmengine.registry import init_default_scope
    init_default_scope(model.cfg.get('default_scope', 'mmsport'))
    pipe = Compose(pipeline if pipeline is not None else model.cfg.test_pipeline)
    loader = torch.utils.data.DataLoader(_CropList(img_paths, pipe), batch_size=batch_size,
                                         num_workers=num_workers, collate_fn=pseudo_collate)
    out, bar = [], ProgressBar(len(img_paths)) if progress and len(img_paths) else None
    for batch in loader:
        data = model.data_preprocessor(batch, False)
        out.append(model.extract_embeddings(data['inputs']).float().cpu().numpy())
        if bar is not None:
            for _ in range(len(out[-1])):
                bar.update()
    if bar is not None:
        print()
    dim = out[0].shape[1] if out else 0
    return np.concatenate(out) if out else np.zeros((0, dim), np.float32)


def save_gallery(path: str, centroids: np.ndarray, labels: np.ndarray,
                 threshold: float) -> None:
    """Write a gallery (``centroids`` (C, D), ``labels`` (C,), ``threshold``) atomically."""
    with atomic_open(path, 'wb') as f:
        np.savez(f, centroids=np.asarray(centroids, np.float32),
                 labels=np.asarray(labels, np.int64), threshold=np.float64(threshold))


def load_gallery(path: str) -> Dict[str, np.ndarray]:
    """Read a gallery written by :func:`save_gallery`; errors name the file.

    Validated by :func:`mmsport.fileio.reid.load_gallery` (truncated / corrupt file,
    missing arrays, non-finite centroids, duplicate or negative labels, threshold).

    Raises:
        CropReadError: (also a :class:`~mmsport.fileio.reid.ReIDDataError`) naming the
            file and the problem.
    """
    from mmsport.fileio.reid import load_gallery as _load
    try:
        return _load(path)
    except ReIDDataError as e:
        raise GalleryError(str(e)) from e


def list_crops(folder: str) -> List[str]:
    """Image files under ``folder`` (recursive), sorted."""
    found = [osp.join(d, f) for d, _, files in os.walk(folder) for f in files
             if f.lower().endswith(IMAGE_EXTS)]
    return sorted(found)
