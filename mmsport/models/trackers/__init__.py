from .ball_heatmap_tracker import BallHeatmapTracker
from .ball_stack_preprocessor import BallStackPreprocessor
from .cpu_inference import FrozenCPUForward
from .trajectory import postprocess_trajectory

__all__ = ['BallHeatmapTracker', 'BallStackPreprocessor', 'FrozenCPUForward',
           'postprocess_trajectory']
