from .heatmap_losses import SoftIoUHeatmapLoss, WeightedBCEHeatmapLoss

__all__ = ['SoftIoUHeatmapLoss', 'WeightedBCEHeatmapLoss']
from .triplet_loss import BatchHardTripletLoss  # noqa: E402

__all__ += ['BatchHardTripletLoss']
from .view_consistency_loss import ViewConsistencyLoss  # noqa: E402

__all__ += ['ViewConsistencyLoss']
from .masked_distill_loss import masked_distill_loss  # noqa: E402

__all__ += ['masked_distill_loss']
