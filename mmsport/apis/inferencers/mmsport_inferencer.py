"""One entry point for every mmsport task: the config's model picks the inferencer.

    >>> from mmsport.apis import MMSportInferencer
    >>> inferencer = MMSportInferencer('configs/ball_tracking/...py', 'ckpt.pth')
    >>> tracker = MMSportInferencer('shuttlecock')   # a model of the zoo, no training
    >>> res = inferencer('rally.mp4', out_dir='preds')
    >>> inferencer.task, type(inferencer.inferencer).__name__
    ('ball_tracking', 'BallTrackingInferencer')

Like mmaction2's ``MMAction2Inferencer``, it is a thin dispatcher: keyword
arguments of the constructor go to the task's inferencer (e.g. ``gallery=`` for
ReID, ``flip_tta=`` for window spotting), and a call forwards everything to it.
"""
from typing import Optional

from mmsport.registry import INFERENCERS

# model type in the config -> (task name, inferencer registered in INFERENCERS)
TASK_INFERENCERS = {
    'BallHeatmapTracker': ('ball_tracking', 'BallTrackingInferencer'),
    'SlowFusionStacker': ('ball_action_spotting', 'WindowSpottingInferencer'),
    'EarlyFusion2D': ('ball_action_spotting', 'WindowSpottingInferencer'),
    'ViViTSpotter': ('transformer_spotting', 'ClipSpottingInferencer'),
    'ArcFaceTripletReID': ('reid', 'ReIDInferencer'),
    'Recognizer2D': ('recognition', 'RecognitionInferencer'),
    'Recognizer3D': ('recognition', 'RecognitionInferencer'),
    'FasterRCNN': ('detection', 'DetectionInferencer'),
    'ATSS': ('detection', 'DetectionInferencer'),
}


def task_of(config) -> Optional[str]:
    """The task of a config (path or Config), from its model type; None if unknown."""
    entry = TASK_INFERENCERS.get(_model_type(config))
    return entry[0] if entry else None


def _model_type(config) -> str:
    from mmengine.config import Config
    cfg = Config.fromfile(config) if isinstance(config, str) else config
    return str((cfg.get('model') or {}).get('type', '')).split('.')[-1]  # 'mmaction.X' too


class MMSportInferencer:
    """The inferencer of a config's task (see :data:`TASK_INFERENCERS`).

    Args:
        model: config path or Config of a trained mmsport model, or the name of a
            model of the zoo (``'shuttlecock'``: its config and shipped weights).
        weights: checkpoint path (None with a zoo name: the shipped weights).
        device: e.g. ``'cpu'`` or ``'cuda:0'`` (None: the best available).
        **kwargs: options of the task's inferencer.

    Attributes:
        task: ``ball_tracking``, ``ball_action_spotting``, ``transformer_spotting``,
            ``reid``, ``recognition`` or ``detection``.
        inferencer: the task's inferencer.
    """

    def __init__(self, model, weights: Optional[str] = None, device: Optional[str] = None,
                 **kwargs):
        from mmengine.config import Config

        from ..model_zoo import get_model_info, is_model_name
        if isinstance(model, str) and is_model_name(model):
            info = get_model_info(model)
            model, weights = info.config, weights or info.weights
        cfg = Config.fromfile(model) if isinstance(model, str) else model
        model_type = _model_type(cfg)
        if model_type not in TASK_INFERENCERS:
            raise ValueError(f'no mmsport inferencer for a {model_type!r} model; known: '
                             f'{", ".join(sorted(TASK_INFERENCERS))}')
        self.task, name = TASK_INFERENCERS[model_type]
        self.inferencer = INFERENCERS.build(dict(type=name, model=cfg, weights=weights,
                                                 device=device, **kwargs))

    def __call__(self, inputs, **kwargs) -> dict:
        """Run the task's inferencer: ``{'predictions': [result dict, ...]}``."""
        return self.inferencer(inputs, **kwargs)
