from .ball_heatmap_codec import BallHeatmapCodec
from .spotting_codecs import NMSSpottingCodec, PeakSpottingCodec, build_spotting_codec

__all__ = ['BallHeatmapCodec', 'PeakSpottingCodec', 'NMSSpottingCodec', 'build_spotting_codec']
