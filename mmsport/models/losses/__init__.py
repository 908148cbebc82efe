from .heatmap_losses import SoftIoUHeatmapLoss, WeightedBCEHeatmapLoss

__all__ = ['SoftIoUHeatmapLoss', 'WeightedBCEHeatmapLoss']
from .triplet_loss import BatchHardTripletLoss  # noqa: E402

__all__ += ['BatchHardTripletLoss']
from .view_consistency_loss import ViewConsistencyLoss  # noqa: E402

__all__ += ['ViewConsistencyLoss']
