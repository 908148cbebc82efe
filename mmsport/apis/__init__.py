from .ball_tracking import BallTrackStreamer, init_tracker, tracker_io_settings
from .video_io import ClipFrames, VideoFrames, VideoReadError, open_frames

__all__ = ['BallTrackStreamer', 'init_tracker', 'tracker_io_settings', 'ClipFrames',
           'VideoFrames', 'VideoReadError', 'open_frames']
