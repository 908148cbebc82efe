"""Engine extensions mmengine lacks: checked checkpoint loading (:mod:`.checkpoint`) and
an epoch loop of a few batches (:mod:`.loops`, registered in ``LOOPS``)."""
from .loops import FirstBatchesEpochBasedTrainLoop

__all__ = ['FirstBatchesEpochBasedTrainLoop']
