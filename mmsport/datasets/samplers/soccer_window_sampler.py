"""Action-weighted window sampling for the SoccerNet window datasets, reproducible
from ``(seed, epoch)`` and sharded over ranks like mmengine's samplers.

Used by :class:`~mmsport.datasets.SoccerNetBallDataset` and
:class:`~mmsport.datasets.SoccerNetV2ClipDataset` (their ``sampling_weights()``).
"""
import math
from typing import Optional

import numpy as np
from mmengine.dist import get_dist_info, sync_random_seed
from torch.utils.data import Sampler

from mmsport.registry import DATA_SAMPLERS


@DATA_SAMPLERS.register_module()
class SoccerWindowSampler(Sampler):
    """Action-weighted window ids for one epoch, reproducible from (seed, epoch).

    Every rank draws the same ``samples_per_epoch`` ids (rounded up to a
    multiple of the world size) with ``np.random.default_rng([seed, epoch])``
    from ``dataset.sampling_weights()`` and keeps ``ids[rank::world_size]``
    (DistributedSampler-style sharding). ``set_epoch`` is called by mmengine's
    epoch loop and, on each pass, by the iteration loop's infinite iterator.

    Args:
        dataset: a :class:`SoccerNetBallDataset` (anything with
            ``sampling_weights()`` and ``__len__``).
        samples_per_epoch: None: ``dataset.samples_per_epoch``.
        seed: used when ``dataset.seed`` is None (the runner passes its seed);
            None on both: a seed synchronised over ranks.
        group_size: windows drawn together. 1 (default, the seed): independent
            draws. k > 1: each draw is followed by the k - 1 windows after it in
            its half (``group_step`` ids apart, clamped at the half's end), and
            ranks get whole groups: consecutive windows share most frames, so
            ``LoadSoccerWindow`` decodes them once even with a cache far smaller
            than a half (long real halves). Use a divisor of the batch size (a
            DataLoader worker loads whole batches). The batches are then
            correlated: the draws per epoch are ``samples_per_epoch / k``.
        group_step: id step inside a group; None: the dataset's ``frame_step``
            in window ids (train: 2 frames, so a window shares all its frames
            but one with the next; windows 1 frame apart share none).
    """

    def __init__(self, dataset, samples_per_epoch: Optional[int] = None,
                 seed: Optional[int] = None, group_size: int = 1,
                 group_step: Optional[int] = None):
        self.rank, self.world_size = get_dist_info()
        self.dataset = dataset
        n = samples_per_epoch or getattr(dataset, 'samples_per_epoch', None) or len(dataset)
        self.num_samples = math.ceil(int(n) / self.world_size)
        self.total_size = self.num_samples * self.world_size
        ds_seed = getattr(dataset, 'seed', None)
        self.seed = ds_seed if ds_seed is not None else (
            seed if seed is not None else sync_random_seed())
        if group_step is None:
            group_step = max(1, getattr(dataset, 'frame_step', 1) // getattr(dataset, 'stride', 1))
        if group_size < 1 or group_step < 1:
            raise ValueError(f'group_size ({group_size}) and group_step ({group_step}) '
                             'must be >= 1')
        self.group_size, self.group_step = int(group_size), int(group_step)
        self.epoch = 0
        self._cdf = None

    def epoch_groups(self, epoch: int) -> np.ndarray:
        """All ranks' window ids of ``epoch`` as (G, group_size) groups, G = world_size *
        ceil(num_samples / group_size)."""
        if self._cdf is None:
            self._cdf = np.cumsum(np.asarray(self.dataset.sampling_weights(), np.float64))
        rng = np.random.default_rng([int(self.seed) & 0xFFFFFFFF, int(epoch)])
        n_groups = self.world_size * -(-self.num_samples // self.group_size)
        u = rng.random(n_groups) * self._cdf[-1]
        first = np.minimum(np.searchsorted(self._cdf, u, side='right'), len(self._cdf) - 1)
        if self.group_size == 1:
            return first[:, None]
        if not hasattr(self.dataset, 'half_window_bounds'):
            raise ValueError(f'group_size > 1 needs a dataset with half_window_bounds(), '
                             f'not {type(self.dataset).__name__}')
        bounds = np.asarray(self.dataset.half_window_bounds(), np.int64)
        last = bounds[np.searchsorted(bounds, first, side='right')] - 1  # end of the half
        ids = first[:, None] + self.group_step * np.arange(self.group_size)[None]
        return np.minimum(ids, last[:, None])

    def epoch_ids(self, epoch: int) -> np.ndarray:
        """All ranks' window ids of ``epoch``, groups in order (total_size, with groups of 1)."""
        return self.epoch_groups(epoch).reshape(-1)

    def __iter__(self):
        groups = self.epoch_groups(self.epoch)[self.rank::self.world_size]
        return iter(groups.reshape(-1)[:self.num_samples].tolist())

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch
