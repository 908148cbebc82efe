"""Shared plumbing of mmsport's inferencers: paths in, files and result dicts out.

mmengine's :class:`~mmengine.infer.BaseInferencer` is built around an image
pipeline, a collate function and a visualizer. mmsport's tasks stream whole
videos (or folders of crops) through task-specific streamers instead, so the
subclasses here keep BaseInferencer's life cycle (config -> model, ``__call__``
dispatching keyword arguments to ``preprocess`` / ``forward`` / ``postprocess``,
a progress bar over the items) and replace only those three parts:

* ``preprocess`` yields one work item per video, game-half or batch of crops;
* ``forward`` runs one item and returns ``[result dict]`` (outputs written
  atomically under ``out_dir`` when one is given; an item that fails carries
  ``error`` and the others go on);
* ``postprocess`` returns ``{'predictions': [result dict, ...]}``.
"""
from typing import Optional

from mmengine.infer import BaseInferencer
from mmengine.registry import init_default_scope


class FileInferencer(BaseInferencer):
    """Base of the task inferencers (see the module docstring).

    Args:
        model: config path, Config or dict of a trained mmsport model, or the name
            of a model of the zoo (``model-index.yml``), e.g. ``'shuttlecock'``.
        weights: checkpoint path (None: the zoo model's weights, or the config's
            initial weights).
        device: e.g. ``'cpu'`` or ``'cuda:0'`` (None: the best available).
        show_progress: a progress bar over the work items.
    """

    preprocess_kwargs: set = {'out_dir'}
    forward_kwargs: set = set()
    visualize_kwargs: set = set()
    postprocess_kwargs: set = set()

    def __init__(self, model, weights: Optional[str] = None, device: Optional[str] = None,
                 show_progress: bool = True):
        from mmengine.device import get_device
        init_default_scope('mmsport')
        self.device = device or get_device()
        super().__init__(model, weights, self.device, scope='mmsport',
                         show_progress=show_progress)

    def _load_model_from_metafile(self, model: str):
        """``(Config, weights)`` of a model of the mmsport zoo, by name or alias
        (mmengine calls this for a string that is not a file)."""
        from mmengine.config import Config

        from ..model_zoo import get_model_info
        info = get_model_info(model)
        return Config.fromfile(info.config), info.weights

    def _init_model(self, cfg, weights, device):
        from ..inference import init_model  # the config's default scope, like the runner
        return init_model(cfg, weights, device)

    def _init_pipeline(self, cfg):  # items stream through the task's own reader
        return lambda item: item

    def _init_visualizer(self, cfg):  # task plots and overlays are written by forward
        return None

    def _inputs_to_list(self, inputs) -> list:
        return [inputs] if isinstance(inputs, str) else list(inputs)

    def visualize(self, inputs, preds, **kwargs):
        return None

    def postprocess(self, preds, visualization, return_datasample=False, **kwargs) -> dict:
        return dict(predictions=preds)
