from .ball_heatmap_tracker import BallHeatmapTracker
from .ball_stack_preprocessor import BallStackPreprocessor
from .cpu_inference import (FrozenCPUForward, OnnxRuntimeForward, UInt8InputNet,
                            fast_cpu_forward, raw_input_net)
from .flip_tta import FlipAverageNet, inference_net
from .trajectory import postprocess_trajectory

__all__ = ['BallHeatmapTracker', 'BallStackPreprocessor', 'FlipAverageNet', 'FrozenCPUForward',
           'OnnxRuntimeForward', 'UInt8InputNet', 'fast_cpu_forward', 'postprocess_trajectory',
           'raw_input_net', 'inference_net']
