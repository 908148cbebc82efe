"""Training loops mmengine lacks: an epoch loop whose epochs stop after a few batches.

:class:`FirstBatchesEpochBasedTrainLoop` is mmengine's ``EpochBasedTrainLoop`` over the
first ``max_iters_per_epoch`` batches of its dataloader, so a config keeps its sampler,
its epoch-based hooks, schedulers and validation while an epoch lasts a fixed number of
iterations (the dry run of :mod:`mmsport.testing.dry_run`: 2 iterations, then validation).
"""
import itertools

from mmengine.runner import EpochBasedTrainLoop

from mmsport.registry import LOOPS


class FirstBatches:
    """The first ``n`` batches of a dataloader; any other attribute is the dataloader's
    (``sampler``, ``dataset``, ``batch_size``: hooks and schedulers read them)."""

    def __init__(self, dataloader, n: int):
        if n < 1:
            raise ValueError(f'n must be >= 1, got {n}')
        self.dataloader, self.n = dataloader, int(n)

    def __len__(self) -> int:
        return min(self.n, len(self.dataloader))

    def __iter__(self):
        return itertools.islice(iter(self.dataloader), len(self))

    def __getattr__(self, name):
        if name == 'dataloader':  # not set yet (e.g. while unpickling)
            raise AttributeError(name)
        return getattr(self.dataloader, name)


@LOOPS.register_module()
class FirstBatchesEpochBasedTrainLoop(EpochBasedTrainLoop):
    """``EpochBasedTrainLoop`` whose every epoch is the first ``max_iters_per_epoch``
    batches of the dataloader (all of them when it has fewer).

    Args:
        max_iters_per_epoch: batches an epoch; the other arguments are mmengine's.
    """

    def __init__(self, runner, dataloader, max_epochs: int, max_iters_per_epoch: int,
                 val_begin: int = 1, val_interval: int = 1, dynamic_intervals=None):
        super().__init__(runner, dataloader, max_epochs, val_begin, val_interval,
                         dynamic_intervals)
        self.dataloader = FirstBatches(self.dataloader, max_iters_per_epoch)
        self._max_iters = self._max_epochs * len(self.dataloader)
