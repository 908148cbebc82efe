from .ball_heatmap_codec import BallHeatmapCodec

__all__ = ['BallHeatmapCodec']
