"""Dataset of frame stacks from any ball-tracking layout (jpg clips or videos)."""
import inspect
from typing import List, Optional, Sequence

from mmengine.dataset import BaseDataset
from mmengine.logging import MMLogger

from mmsport.fileio.ball_tracking import BallClip, list_ball_clips, read_clip_labels
from mmsport.fileio.errors import BallDataError
from mmsport.registry import DATASETS
from mmsport.video.background import check_window
from mmsport.video.frame_cache import probe_video
from mmsport.video.input_geometry import frame_stride, model_input_size
from .tennis_io import list_frames, read_image_size


@DATASETS.register_module()
class BallTrackingDataset(BaseDataset):
    """One sample per labelled frame: the stack of ``stack_size`` frames ending there.

    Reads the four public layouts of :mod:`mmsport.fileio.ball_tracking`
    (``seed``, ``tracknet``, ``shuttlecock``, ``video_csv``), detected from the
    folder or named by ``layout``. Jpg clips are decoded per frame; videos are
    decoded straight from the file (no extraction step) by
    ``LoadBallFrameStack``'s segment cache, at the video's own resolution and
    frame rate. Only an index is kept here (clip, frame number, label), so
    RAM stays bounded whatever the number of clips.

    Args:
        data_root: the layout's root folder (e.g. ``data/shuttlecock/train``).
        layout: ``'auto'`` (detect and log it) or one of the layouts.
        clips: keys of the clips to use (e.g. a fixed split: ``['00001', ...]``
            or ``['game1/clip3']``); None for all.
        games: game numbers to use (game layouts); None for all.
        stack_size: frames per stack; a clip needs at least this many frames.
        input_size: (w, h) the frames are fitted inside for the model, aspect ratio
            kept (a 4:3 clip is not stretched). Positions stay in full-resolution pixels.
        input_scale: instead of fitting, scale every clip's frames by this factor
            (the training videos' scale, e.g. 0.5 for 1280x720 -> 640x360), so the
            ball keeps its training pixel size on sources of other resolutions
            (:func:`mmsport.video.input_geometry.model_input_size`). One batch
            needs clips of one size.
        target_fps: the frame rate the model's stacks are sampled at: a video at a
            multiple of it stacks every ``round(fps / target_fps)``-th frame (each
            frame still a sample). None: consecutive frames whatever the rate.
        background_window: give the model each frame's background image as one
            more frame of its stack (TrackNetV3's median frame): the median of
            frames sampled over segments of this many frames
            (:mod:`mmsport.video.background`); the model then takes 3 * (S + 1)
            channels. None: no background frame.
        skip_bad_clips: False raises :class:`BallDataError` on a bad clip
            (the message names the file and row); True logs it and skips the clip.
        pipeline, test_mode, lazy_init, ...: see ``mmengine.dataset.BaseDataset``.
    """

    METAINFO = dict(codes=('absent', 'visible', 'hard', 'occluded'))
    # how frames are shown to the model: what a streamer must reproduce at inference
    IO_KEYS = ('stack_size', 'input_size', 'input_scale', 'target_fps', 'background_window')

    @classmethod
    def io_settings(cls, dataset_cfg: dict) -> dict:
        """The :data:`IO_KEYS` of a dataset config, this class's defaults filling the gaps
        (keyword arguments of :class:`mmsport.apis.BallTrackStreamer`)."""
        params = inspect.signature(cls.__init__).parameters
        return {k: dataset_cfg.get(k, params[k].default) for k in cls.IO_KEYS}

    def __init__(self, data_root: str, layout: str = 'auto',
                 clips: Optional[Sequence[str]] = None,
                 games: Optional[Sequence[int]] = None,
                 stack_size: int = 3, input_size: Sequence[int] = (320, 180),
                 input_scale: Optional[float] = None, target_fps: Optional[float] = None,
                 background_window: Optional[int] = None,
                 skip_bad_clips: bool = False, **kwargs):
        self.layout = layout
        self.clips = None if clips is None else list(clips)
        self.games = games
        self.stack_size = int(stack_size)
        self.input_size = tuple(int(v) for v in input_size)
        self.input_scale = None if input_scale is None else float(input_scale)
        self.target_fps = None if target_fps is None else float(target_fps)
        self.background_window = None if background_window is None else \
            check_window(background_window)
        self.skip_bad_clips = skip_bad_clips
        kwargs.setdefault('ann_file', '')
        super().__init__(data_root=data_root, **kwargs)

    def load_data_list(self) -> List[dict]:
        layout, clips = list_ball_clips(self.data_root, self.layout, self.clips, self.games)
        logger = MMLogger.get_current_instance()
        logger.info(f'{self.data_root}: {layout} layout, {len(clips)} clip(s)')
        data_list = []
        for clip in clips:
            try:
                data_list.extend(self._load_clip(clip))
            except BallDataError as e:
                if not self.skip_bad_clips:
                    raise
                logger.warning(f'skipping clip: {e}')
        if not data_list:
            which = '' if self.games is None else f' for games {self.games}'
            what = 'game*/clip* folders' if layout in ('seed', 'tracknet') else 'clips'
            raise BallDataError(f'{self.data_root}: no usable {what} ({layout} layout){which}')
        return data_list

    def _load_clip(self, clip: BallClip) -> List[dict]:
        fps = None
        if clip.is_video:
            full_size, n_frames, fps = probe_video(clip.media)
            labels = read_clip_labels(clip, full_size)
            if n_frames != len(labels):
                raise BallDataError(f'{clip.labels}: frame-count mismatch: {len(labels)} label '
                                    f'rows but the video {clip.media} has {n_frames} frames')
        else:
            labels = read_clip_labels(clip)
            frames = list_frames(clip.media)
            n_frames = len(frames)
            if n_frames != len(labels):
                raise BallDataError(f'{clip.labels}: frame-count mismatch: {len(labels)} label '
                                    f'rows but {n_frames} jpg frames')
            if n_frames:
                full_size = read_image_size(frames[0])
        if n_frames < self.stack_size:
            raise BallDataError(f'{clip.media}: clip has {n_frames} frames, shorter than the '
                                f'stack of {self.stack_size}')
        common = dict(key=clip.key, clip_dir=clip.media, is_video=clip.is_video,
                      num_frames=n_frames, full_size=full_size, stack_size=self.stack_size,
                      input_size=model_input_size(full_size, self.input_size,
                                                  self.input_scale),
                      frame_stride=frame_stride(fps, self.target_fps),
                      background_window=self.background_window)
        return [dict(common, frame_idx=t, gt_ball=labels[t]) for t in range(n_frames)]


@DATASETS.register_module()
class TennisBallDataset(BallTrackingDataset):
    """The seed's name for :class:`BallTrackingDataset` (kept for existing configs)."""
