"""Dataset and prediction formats: readers, writers and their validation.

Torch-free: these modules need only the standard library and numpy, so that
evaluation tools start fast and users can read their files without a model.
"""
from .ball_tracking import (LAYOUTS, BallClip, detect_layout, list_ball_clips,
                            list_frame_files, prediction_rows, read_clip_labels,
                            read_frame_labels, read_game_labels, read_prediction_csv)
from .errors import BallDataError
from .media import VIDEO_EXTS

__all__ = ['LAYOUTS', 'BallClip', 'BallDataError', 'VIDEO_EXTS', 'detect_layout',
           'list_ball_clips', 'list_frame_files', 'prediction_rows', 'read_clip_labels',
           'read_frame_labels', 'read_game_labels', 'read_prediction_csv']
