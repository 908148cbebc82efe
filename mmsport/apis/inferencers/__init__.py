"""OpenMMLab-style inferencers (mmengine ``BaseInferencer``), one per task, and
:class:`MMSportInferencer`, which picks the task's inferencer from the config."""
from .ball_tracking_inferencer import BallTrackingInferencer, collect_ball_inputs, track_clip
from .clip_spotting_inferencer import ClipSpottingInferencer
from .detection_inferencer import DetectionInferencer
from .file_inferencer import FileInferencer
from .mmsport_inferencer import TASK_INFERENCERS, MMSportInferencer, task_of
from .recognition_inferencer import RecognitionInferencer
from .reid_inferencer import ReIDInferencer
from .window_spotting_inferencer import WindowSpottingInferencer

__all__ = ['BallTrackingInferencer', 'collect_ball_inputs', 'track_clip', 'FileInferencer',
           'WindowSpottingInferencer', 'ClipSpottingInferencer',
           'ReIDInferencer', 'RecognitionInferencer', 'DetectionInferencer', 'MMSportInferencer',
           'TASK_INFERENCERS', 'task_of']
