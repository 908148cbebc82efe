from .heatmap_losses import SoftIoUHeatmapLoss, WeightedBCEHeatmapLoss

__all__ = ['SoftIoUHeatmapLoss', 'WeightedBCEHeatmapLoss']
