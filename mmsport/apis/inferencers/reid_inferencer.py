"""Open-set player re-identification: match crops against a saved gallery.

    >>> from mmsport.apis import ReIDInferencer
    >>> reid = ReIDInferencer('configs/reid/...py', 'fold0/best.pth',
    ...                       gallery='work_dirs/.../fold0/gallery.npz')
    >>> res = reid('crops/', out_dir='matches')      # writes matches/matches.csv
    >>> res['predictions'][0]['label_id']             # (N,) int, -1 = unknown player

The gallery (``fold<k>/gallery.npz`` of ``tools/reid/inference_cv.py``) holds the
identity centroids and the fold's tuned threshold; a crop whose best cosine
similarity is below the threshold is an unknown player (-1).
"""
import csv
import os
import os.path as osp
import time
from typing import List, Optional

from mmsport.registry import INFERENCERS
from .file_inferencer import FileInferencer


def list_crop_inputs(inputs) -> List[str]:
    """Image paths of ``inputs`` (image files, or folders searched recursively)."""
    from ..reid import list_crops
    paths = []
    for inp in inputs:
        if osp.isdir(inp):
            paths += list_crops(inp)
        elif osp.isfile(inp):
            paths.append(inp)
        else:
            raise FileNotFoundError(f'{inp}: no such file or folder')
    if not paths:
        raise FileNotFoundError(f'no crop images in {list(inputs)}')
    return paths


@INFERENCERS.register_module()
class ReIDInferencer(FileInferencer):
    """Inferencer of ``ArcFaceTripletReID`` models against a gallery.

    Args:
        model, weights, device, show_progress: see :class:`FileInferencer`.
        gallery: a ``gallery.npz`` (centroids, labels, threshold).
        threshold: overrides the gallery's tuned threshold.
        batch_size: crops per forward pass.

    Call with crop paths or folders; all crops are one work item. With
    ``out_dir`` it writes ``<out_dir>/matches.csv`` (``path,label_id,similarity``)
    atomically. The result: ``paths``, ``label_id`` (N,), ``similarity`` (N,),
    ``threshold``, ``outputs``. An unreadable crop raises an error naming the
    file before anything is written.
    """

    def __init__(self, model, weights: Optional[str] = None, device: Optional[str] = None,
                 gallery: Optional[str] = None, threshold: Optional[float] = None,
                 batch_size: int = 64, show_progress: bool = False):
        from ..reid import load_gallery
        if gallery is None:
            raise ValueError('ReIDInferencer needs a gallery (fold<k>/gallery.npz)')
        self.gallery = load_gallery(gallery)
        self.threshold = float(self.gallery['threshold'] if threshold is None else threshold)
        self.batch_size = batch_size
        super().__init__(model, weights, device, show_progress)

    def preprocess(self, inputs, batch_size: int = 1, out_dir: str = ''):
        yield list_crop_inputs(inputs), out_dir

    def forward(self, item) -> List[dict]:
        from mmsport.evaluation.functional.reid import match_gallery
        from ..reid import extract_embeddings
        paths, out_dir = item
        t0 = time.time()
        emb = extract_embeddings(self.model, paths, batch_size=self.batch_size)  # (N, D)
        pred, best = match_gallery(emb, self.gallery['centroids'], self.gallery['labels'],
                                   threshold=self.threshold)
        outputs = [self._write(out_dir, paths, pred, best)] if out_dir else []
        return [dict(paths=paths, label_id=pred, similarity=best, threshold=self.threshold,
                     outputs=outputs, seconds=time.time() - t0)]

    @staticmethod
    def _write(out_dir, paths, pred, best) -> str:
        from mmsport.utils.atomic import atomic_open
        out = osp.join(out_dir, 'matches.csv')
        os.makedirs(out_dir, exist_ok=True)
        with atomic_open(out, 'w', newline='') as f:
            w = csv.writer(f, lineterminator='\n')
            w.writerow(('path', 'label_id', 'similarity'))
            w.writerows((p, int(lab), f'{s:.6f}') for p, lab, s in zip(paths, pred, best))
        return out
