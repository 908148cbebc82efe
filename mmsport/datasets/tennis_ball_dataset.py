"""Dataset of frame stacks from the tennis ball-tracking layout."""
from typing import List, Optional, Sequence

from mmengine.dataset import BaseDataset
from mmengine.logging import MMLogger

from mmsport.registry import DATASETS
from .tennis_io import TennisDataError, list_clips, list_frames, read_image_size, read_labels_csv


@DATASETS.register_module()
class TennisBallDataset(BaseDataset):
    """One sample per labelled frame: the stack of ``stack_size`` frames ending there.

    Only an index is kept in memory (clip folder, frame number, label); frames
    are decoded on demand by ``LoadBallFrameStack``, so RAM stays bounded
    whatever the number of clips.

    Args:
        data_root: a split folder holding ``game*/clip*`` (e.g. ``data/tennis/train``).
        games: game numbers to use; None for all.
        stack_size: frames per stack; a clip needs at least this many frames.
        input_size: (w, h) the frames are decoded at for the model, e.g.
            (640, 360) for the seed's half-resolution downscale of 1280x720.
            Positions stay in full-resolution pixels.
        skip_bad_clips: False raises :class:`TennisDataError` on a bad clip
            (the message names the file); True logs the same message and skips it.
        pipeline, test_mode, lazy_init, ...: see ``mmengine.dataset.BaseDataset``.
    """

    METAINFO = dict(codes=('absent', 'visible', 'hard', 'occluded'))

    def __init__(self, data_root: str, games: Optional[Sequence[int]] = None,
                 stack_size: int = 3, input_size: Sequence[int] = (320, 180),
                 skip_bad_clips: bool = False, **kwargs):
        self.games = games
        self.stack_size = int(stack_size)
        self.input_size = tuple(int(v) for v in input_size)
        self.skip_bad_clips = skip_bad_clips
        kwargs.setdefault('ann_file', '')
        super().__init__(data_root=data_root, **kwargs)

    def load_data_list(self) -> List[dict]:
        data_list = []
        for key, clip_dir in list_clips(self.data_root, self.games):
            try:
                data_list.extend(self._load_clip(key, clip_dir))
            except TennisDataError as e:
                if not self.skip_bad_clips:
                    raise
                MMLogger.get_current_instance().warning(f'skipping clip: {e}')
        if not data_list:
            raise TennisDataError(f'{self.data_root}: no usable game*/clip* folders'
                                  f'{"" if self.games is None else f" for games {self.games}"}')
        return data_list

    def _load_clip(self, key: str, clip_dir: str) -> List[dict]:
        labels = read_labels_csv(f'{clip_dir}/labels.csv')
        frames = list_frames(clip_dir)
        if len(frames) != len(labels):
            raise TennisDataError(f'{clip_dir}/labels.csv: frame-count mismatch: '
                                  f'{len(labels)} label rows but {len(frames)} jpg frames')
        if len(frames) < self.stack_size:
            raise TennisDataError(f'{clip_dir}: clip has {len(frames)} frames, shorter '
                                  f'than the stack of {self.stack_size}')
        full_size = read_image_size(frames[0])
        return [dict(key=key, clip_dir=clip_dir, frame_idx=t, num_frames=len(frames),
                     full_size=full_size, gt_ball=labels[t], stack_size=self.stack_size,
                     input_size=self.input_size) for t in range(len(frames))]
