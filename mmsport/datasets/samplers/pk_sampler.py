"""P x K identity sampler for metric learning: every K consecutive indices share a label.

With ``batch_size = P * K`` every batch holds P groups of K instances, the
groups being distinct identities whenever the epoch has enough of them (see
:class:`PKSampler`). Reproducible from ``(seed, epoch)``; sharded over ranks by
contiguous runs of groups, so the property holds on every rank.
"""
import math
from typing import Dict, List, Optional

import numpy as np
from mmengine.dist import get_dist_info, sync_random_seed
from torch.utils.data import Sampler

from mmsport.registry import DATA_SAMPLERS

NEGATIVE = -1  # the key of the negatives' pool (labels < 0)


def _label_of(info: dict) -> int:
    """``gt_label`` of a data info as an int (int, numpy/tensor scalar or 1-element)."""
    return int(np.asarray(info['gt_label']).reshape(-1)[0])


def _round_order(active: List[int], prev: List[int], rng) -> List[int]:
    """Order the groups of one round: distinct labels, and the first ``h`` of them
    avoid the last ``h`` of the previous round (``h = min(len) // 2``), so any
    window of up to ``h + 1`` consecutive groups across the boundary is distinct."""
    order = [int(c) for c in rng.permutation(active)] if rng is not None else list(active)
    h = min(len(prev), len(order)) // 2
    if h == 0:
        return order
    tail = set(prev[-h:])
    allowed = [c for c in order if c not in tail]  # len >= len(order) - h >= h
    rest = allowed[h:] + [c for c in order if c in tail]
    if rng is not None:
        rest = [int(c) for c in rng.permutation(rest)] if rest else rest
    return allowed[:h] + rest


@DATA_SAMPLERS.register_module()
class PKSampler(Sampler):
    """Identity-grouped index stream: ``batch_size = P * K`` gives P identities x K images.

    Each epoch, the indices of every identity are shuffled and cut into groups
    of K = ``num_instances``; a short last group is completed with other
    indices of the same identity (drawn with replacement when the identity has
    fewer than K images), so every image is seen once per epoch (plus fillers).
    The groups are then laid out in *rounds*: identity c with m_c groups takes
    part in m_c of the R = max m rounds, spread evenly (random offset); a round
    holds distinct identities in random order, and its first half avoids the
    identities of the previous round's last half. Hence P consecutive groups
    are P distinct identities whenever the rounds involved have >= 2P - 2
    identities (e.g. a balanced set with >= 2P - 2 identities).

    Labels < 0 (background / negative crops) are one pool: by default skipped;
    with ``include_negatives=True`` they are shuffled and cut into groups of K
    too, at most as many groups as the largest identity has (a random subset of
    the pool each epoch), so they take at most one slot of a round, like one
    more identity. Labels come from ``dataset.get_data_info(i)['gt_label']``.

    Distributed: ranks take contiguous, equal runs of groups (``round_up=True``
    repeats groups from the start to make the count divisible by the world
    size; ``round_up=False`` splits unevenly, no repeats).

    Args:
        dataset: any dataset with ``get_data_info(i)['gt_label']`` and ``__len__``.
        num_instances: K, images per identity group.
        shuffle: False keeps identities, images and rounds in index order.
        seed: shuffling seed; None: a seed synchronised over ranks.
        round_up: pad the groups to a multiple of the world size.
        include_negatives: also draw groups from the labels < 0 (see above).
    """

    def __init__(self, dataset, num_instances: int = 4, shuffle: bool = True,
                 seed: Optional[int] = None, round_up: bool = True,
                 include_negatives: bool = False):
        if num_instances < 1:
            raise ValueError(f'num_instances must be >= 1, got {num_instances}')
        self.dataset = dataset
        self.num_instances = int(num_instances)
        self.shuffle, self.round_up = shuffle, round_up
        self.include_negatives = include_negatives
        self.seed = int(seed) if seed is not None else sync_random_seed()
        self.rank, self.world_size = get_dist_info()
        self.epoch = 0

        by_label: Dict[int, List[int]] = {}
        for i in range(len(dataset)):
            by_label.setdefault(_label_of(dataset.get_data_info(i)), []).append(i)
        self.negatives = np.asarray(
            sorted(i for lab, idx in by_label.items() if lab < 0 for i in idx), np.int64)
        self.identities = {lab: np.asarray(idx, np.int64)
                           for lab, idx in sorted(by_label.items()) if lab >= 0}
        k = self.num_instances
        self.num_groups = {lab: math.ceil(len(idx) / k) for lab, idx in self.identities.items()}
        max_groups = max(self.num_groups.values(), default=0)
        if include_negatives and len(self.negatives):
            self.num_groups[NEGATIVE] = min(len(self.negatives) // k or 1, max(max_groups, 1))
        total = sum(self.num_groups.values())
        if round_up:
            self.groups_per_rank = math.ceil(total / self.world_size)
        else:
            self.groups_per_rank = len(np.array_split(np.arange(total),
                                                      self.world_size)[self.rank])
        self.total_groups = total

    # ------------------------------------------------------------ one epoch
    def _groups_of(self, lab: int, rng) -> List[np.ndarray]:
        """The (K,) index groups of one label for this epoch."""
        k, n_groups = self.num_instances, self.num_groups[lab]
        idx = self.negatives if lab == NEGATIVE else self.identities[lab]
        if rng is not None:
            idx = rng.permutation(idx)
        if lab == NEGATIVE:
            idx = np.resize(idx, n_groups * k)  # a subset (or repeats of a tiny pool)
        short = n_groups * k - len(idx)
        if short > 0:
            if len(idx) >= k:  # complete the last group with this identity's other images
                pool = idx[:len(idx) - (k - short)]
                fill = rng.choice(pool, short, replace=False) if rng is not None else pool[:short]
            else:  # fewer than K images: repeat them
                fill = (rng.choice(idx, short, replace=True) if rng is not None
                        else np.resize(idx, short))
            idx = np.concatenate([idx, fill])
        return list(idx.reshape(n_groups, k))

    def epoch_groups(self, epoch: int) -> List[np.ndarray]:
        """All ranks' (K,) index groups of ``epoch`` in stream order (before padding)."""
        rng = (np.random.default_rng([self.seed & 0xFFFFFFFF, int(epoch)])
               if self.shuffle else None)
        labels = list(self.num_groups)
        groups = {lab: self._groups_of(lab, rng) for lab in labels}
        n_rounds = max(self.num_groups.values(), default=0)
        rounds: List[List[int]] = [[] for _ in range(n_rounds)]
        for lab in labels:  # spread the m groups of a label evenly over the rounds
            m = self.num_groups[lab]
            offset = rng.random() if rng is not None else 0.0
            for j in range(m):
                rounds[int((j + offset) * n_rounds / m)].append(lab)
        stream, prev, used = [], [], {lab: 0 for lab in labels}
        for active in rounds:
            prev = _round_order(active, prev, rng)
            for lab in prev:
                stream.append(groups[lab][used[lab]])
                used[lab] += 1
        return stream

    def __iter__(self):
        groups = self.epoch_groups(self.epoch)
        if not groups:
            return iter([])
        if self.round_up:
            n = self.groups_per_rank
            total = n * self.world_size
            groups = [groups[i % len(groups)] for i in range(total)]
            mine = groups[self.rank * n:(self.rank + 1) * n]
        else:
            bounds = np.array_split(np.arange(len(groups)), self.world_size)[self.rank]
            mine = groups[bounds[0]:bounds[-1] + 1] if len(bounds) else []
        if not mine:
            return iter([])
        return iter(np.concatenate(mine).tolist())

    def __len__(self) -> int:
        return self.groups_per_rank * self.num_instances

    def set_epoch(self, epoch: int) -> None:
        """Called by mmengine's loops before each epoch (each pass, iteration-based)."""
        self.epoch = epoch
