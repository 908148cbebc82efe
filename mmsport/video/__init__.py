"""Video decoding: frame sources, caches and resizing (OpenCV; no torch)."""
from .frame_cache import VideoDecodeError, VideoFrameCache, probe_video
from .resize import resize_frame

__all__ = ['VideoDecodeError', 'VideoFrameCache', 'probe_video', 'resize_frame']
