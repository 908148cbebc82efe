from mmsport.video.frame_sources import ClipFrames, VideoFrames, VideoReadError, open_frames

from .ball_tracking import BallTrackStreamer, init_tracker, tracker_io_settings
from .inference import init_model
from .inferencers import (BallTrackingInferencer, ClipSpottingInferencer, DetectionInferencer,
                          MMSportInferencer, RecognitionInferencer, ReIDInferencer,
                          WindowSpottingInferencer)
from .reid import (CropReadError, extract_embeddings, list_crops, load_gallery,
                   save_gallery)
from .spotting import (SpottingStreamer, load_raw_scores, raw_scores_path, save_raw_scores,
                       spotting_io_settings)
from .transformer_spotting import HalfSpotter, clip_io_settings, window_starts

__all__ = ['MMSportInferencer', 'BallTrackingInferencer', 'WindowSpottingInferencer',
           'ClipSpottingInferencer', 'ReIDInferencer', 'RecognitionInferencer',
           'DetectionInferencer', 'BallTrackStreamer', 'init_tracker', 'tracker_io_settings',
           'ClipFrames', 'VideoFrames', 'VideoReadError', 'open_frames', 'SpottingStreamer',
           'init_model',
           'load_raw_scores', 'raw_scores_path', 'save_raw_scores', 'spotting_io_settings',
           'CropReadError', 'extract_embeddings', 'list_crops', 'load_gallery', 'save_gallery',
           'HalfSpotter', 'clip_io_settings', 'window_starts']
