from .ball_heatmap_tracker import BallHeatmapTracker
from .ball_stack_preprocessor import BallStackPreprocessor
from .trajectory import postprocess_trajectory

__all__ = ['BallHeatmapTracker', 'BallStackPreprocessor', 'postprocess_trajectory']
