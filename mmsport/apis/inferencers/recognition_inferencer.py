"""Action recognition (TSM) on raw videos, optionally fused with a detector's evidence.

    >>> from mmsport.apis import RecognitionInferencer
    >>> rec = RecognitionInferencer('configs/recognition/...py', 'ckpt.pth')
    >>> res = rec(['a.mp4', 'b.mp4'], out_dir='labels')    # writes labels/a.json, b.json
    >>> res['predictions'][0]['label'], res['predictions'][0]['scores']   # (C,) scores

The config's test pipeline is used with its decoding replaced: each frame the
recognizer samples or the detector needs is decoded once
(:func:`mmsport.apis.recognition.classify`). With a detector, every
``det_every``-th frame goes through it, the per-category maximum score is the
video's evidence, and the rules of ``fusion_config`` (a config with a ``fusion``
dict) adjust the class scores.
"""
import json
import os
import os.path as osp
import time
from typing import List, Optional

import numpy as np

from mmsport.registry import INFERENCERS
from .file_inferencer import FileInferencer


def read_class_names(path: Optional[str]) -> List[str]:
    """Class names, one per line (blank lines skipped)."""
    if not path or not osp.isfile(path):
        raise FileNotFoundError(f'class names file {path!r} not found')
    with open(path) as f:
        return [ln.strip() for ln in f if ln.strip()]


@INFERENCERS.register_module()
class RecognitionInferencer(FileInferencer):
    """Inferencer of mmaction2 recognizers, with optional detector fusion.

    Args:
        model, weights, device, show_progress: see :class:`FileInferencer`.
        classes: class names file (default: the config's ``classes_file``, else its
            ``classes`` list).
        det_config, det_checkpoint: an mmdet detector whose evidence is fused.
        fusion_config: config with a ``fusion`` dict (needs a detector).
        det_every: run the detector on every k-th frame.

    Call with video paths; one work item per video; with ``out_dir`` each gives
    ``<out_dir>/<stem>.json`` (``video, label, scores`` per class and with a
    detector ``evidence`` per category), written atomically. Each result:
    ``source, label, scores`` (C,), ``evidence`` (K,) or None, ``outputs``,
    ``seconds``, ``error`` (the other videos go on).
    """

    def __init__(self, model, weights: Optional[str] = None, device: Optional[str] = None,
                 classes: Optional[str] = None, det_config: Optional[str] = None,
                 det_checkpoint: Optional[str] = None, fusion_config: Optional[str] = None,
                 det_every: int = 4, show_progress: bool = True):
        from mmengine.config import Config
        from mmengine.dataset import Compose
        from mmengine.registry import init_default_scope

        from mmsport.registry import MODELS
        from ..recognition import split_pipeline
        super().__init__(model, weights, device, show_progress)
        if classes is None and not self.cfg.get('classes_file') and self.cfg.get('classes'):
            self.classes = [str(c) for c in self.cfg.classes]  # listed in the config itself
        else:
            self.classes = read_class_names(classes or self.cfg.get('classes_file'))
        # the config's scope: mmsport's registries are children of mmaction's, so mmaction's
        # transforms resolve unprefixed beside mmsport's own (LetterboxClip, OpenCV readers)
        self.scope = self.cfg.get('default_scope', 'mmsport')
        init_default_scope(self.scope)
        self.sample_pipeline, self.tail_pipeline = (
            Compose(p) for p in split_pipeline(self.cfg.test_pipeline))
        self.det_model, self.fusion, self.categories = None, None, []
        self.det_every = det_every
        if det_config:
            from mmdet.apis import init_detector
            det_cfg = Config.fromfile(det_config)
            det_cfg.default_scope = 'mmdet'
            self.det_model = init_detector(det_cfg, det_checkpoint, device=self.device)
            self.categories = list(det_cfg.get('det_classes')
                                   or self.det_model.dataset_meta['classes'])
            if fusion_config:
                init_default_scope('mmsport')
                self.fusion = MODELS.build(Config.fromfile(fusion_config).fusion)
        elif fusion_config:
            raise ValueError('fusion_config needs a detector (det_config, det_checkpoint)')

    def preprocess(self, inputs, batch_size: int = 1, out_dir: str = ''):
        for video in inputs:
            yield video, out_dir

    def forward(self, item) -> List[dict]:
        from mmengine.registry import init_default_scope

        from mmsport.utils.atomic import atomic_open
        from ..recognition import classify
        video, out_dir = item
        t0 = time.time()
        res = dict(source=video, label=None, scores=None, evidence=None, outputs=[], error=None)
        try:
            init_default_scope(self.scope)
            scores, ev = classify(video, self.model, self.sample_pipeline, self.tail_pipeline,
                                  self.det_model, len(self.categories), self.det_every)
            if self.fusion is not None:
                scores = self.fusion(scores[None], ev[None], self.classes, self.categories)[0]
            res.update(label=self.classes[int(np.argmax(scores))], scores=scores, evidence=ev)
            if out_dir:
                out = dict(video=video)
                if ev is not None:
                    out['evidence'] = dict(zip(self.categories, ev.round(4).tolist()))
                out.update(label=res['label'],
                           scores=dict(zip(self.classes, np.round(scores, 4).tolist())))
                path = osp.join(out_dir, f'{osp.splitext(osp.basename(video))[0]}.json')
                os.makedirs(out_dir, exist_ok=True)
                with atomic_open(path, 'w') as f:
                    json.dump(out, f, indent=1)
                res['outputs'] = [path]
        except Exception as e:  # noqa: BLE001  (reported; the other videos go on)
            res['error'] = f'{type(e).__name__}: {e}'
        return [dict(res, seconds=time.time() - t0)]
