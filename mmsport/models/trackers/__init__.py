from .ball_heatmap_tracker import BallHeatmapTracker
from .ball_stack_preprocessor import BallStackPreprocessor
from .cpu_inference import FrozenCPUForward, OnnxRuntimeForward, fast_cpu_forward
from .trajectory import postprocess_trajectory

__all__ = ['BallHeatmapTracker', 'BallStackPreprocessor', 'FrozenCPUForward',
           'OnnxRuntimeForward', 'fast_cpu_forward', 'postprocess_trajectory']
