"""Object detection (any mmdet detector config of mmsport) on images.

    >>> from mmsport.apis import DetectionInferencer
    >>> det = DetectionInferencer('configs/detection/...py', 'ckpt.pth')
    >>> res = det(['a.jpg', 'b.jpg'], out_dir='boxes', vis=True)  # boxes/a.json, boxes/vis/a.jpg
    >>> res['predictions'][0]['bboxes']      # [[x1, y1, x2, y2], ...] in the image's pixels

Each image is read once (checked: a truncated file is an error naming it, not a grey
image), then goes through the config's test pipeline and the model as mmdet's
``inference_detector`` runs it on an array, and the same array is drawn on.
``<out_dir>/<stem>.json`` holds mmdet ``DetInferencer``'s keys (``labels``, ``scores``,
``bboxes`` x1, y1, x2, y2 in pixels of the input image) and the class names, written
atomically. ``vis=True`` also draws the boxes scoring at least ``score_thr`` into
``<out_dir>/vis/<stem>.jpg`` with mmdet's ``DetLocalVisualizer``.
"""
import json
import os
import os.path as osp
import time
from typing import List, Optional

from mmsport.registry import INFERENCERS
from .file_inferencer import FileInferencer


@INFERENCERS.register_module()
class DetectionInferencer(FileInferencer):
    """Inferencer of mmsport's mmdet detector configs.

    Args:
        model, weights, device, show_progress: see :class:`FileInferencer`.
        classes: class names (default: the config's ``metainfo['classes']``).

    Call with image paths; one work item per image. Each result: ``source``,
    ``labels`` (N,), ``scores`` (N,), ``bboxes`` (N, 4), ``outputs``, ``seconds``,
    ``error`` (an unreadable image is reported, the others go on).
    """

    preprocess_kwargs: set = {'out_dir', 'vis', 'score_thr'}

    def __init__(self, model, weights: Optional[str] = None, device: Optional[str] = None,
                 classes: Optional[List[str]] = None, show_progress: bool = True):
        super().__init__(model, weights, device, show_progress)
        self.classes = list(classes or (self.cfg.get('metainfo') or {}).get('classes') or [])
        if not self.classes:
            raise ValueError(f'{self.cfg.filename}: no class names (set metainfo = '
                             'dict(classes=...) in the config, or pass classes=)')
        self.model.dataset_meta = dict(classes=tuple(self.classes))
        self._visualizer = None

    def preprocess(self, inputs, batch_size: int = 1, out_dir: str = '', vis: bool = False,
                   score_thr: float = 0.3):
        for image in inputs:
            yield image, out_dir, vis, score_thr

    def forward(self, item) -> List[dict]:
        from mmdet.apis import inference_detector
        from mmengine.registry import init_default_scope

        from mmsport.fileio.media import read_image
        from mmsport.utils.atomic import atomic_open
        image, out_dir, vis, score_thr = item
        t0 = time.time()
        res = dict(source=image, labels=None, scores=None, bboxes=None, outputs=[], error=None)
        try:
            if not osp.isfile(image):
                raise FileNotFoundError(f'{image}: no such image file')
            img = read_image(image)  # (H, W, 3) BGR, decoded once for the model and the overlay
            init_default_scope('mmdet')  # the test pipeline's transforms are mmdet's
            sample = inference_detector(self.model, img)
            pred = sample.pred_instances
            res.update(labels=pred.labels.tolist(), scores=pred.scores.tolist(),
                       bboxes=pred.bboxes.tolist())
            if out_dir:
                stem = osp.splitext(osp.basename(image))[0]
                os.makedirs(out_dir, exist_ok=True)
                path = osp.join(out_dir, stem + '.json')
                out = dict(image=image, classes=self.classes, labels=res['labels'],
                           scores=[round(s, 4) for s in res['scores']],
                           bboxes=[[round(v, 1) for v in b] for b in res['bboxes']])
                with atomic_open(path, 'w') as f:
                    json.dump(out, f)
                res['outputs'] = [path]
                if vis:
                    res['outputs'].append(self._draw(img, sample, out_dir, stem, score_thr))
        except Exception as e:  # noqa: BLE001  (reported; the other images go on)
            res['error'] = f'{type(e).__name__}: {e}'
        return [dict(res, seconds=time.time() - t0)]

    def _draw(self, img, sample, out_dir: str, stem: str, score_thr: float) -> str:
        """Boxes scoring >= ``score_thr`` drawn on ``img`` (H, W, 3) BGR ->
        ``out_dir/vis/<stem>.jpg``."""
        import cv2
        from mmdet.visualization import DetLocalVisualizer

        from mmsport.utils.atomic import atomic_open
        if self._visualizer is None:
            self._visualizer = DetLocalVisualizer(name=f'mmsport_det_{id(self)}')
            self._visualizer.dataset_meta = self.model.dataset_meta
        self._visualizer.add_datasample(stem, img[..., ::-1], sample, draw_gt=False, show=False,
                                        pred_score_thr=score_thr)
        path = osp.join(out_dir, 'vis', stem + '.jpg')
        ok, data = cv2.imencode('.jpg', self._visualizer.get_image()[..., ::-1])
        if not ok:
            raise OSError(f'{path}: the overlay could not be encoded')
        with atomic_open(path, 'wb') as f:
            f.write(data.tobytes())
        return path
