from .base_window_spotter import BaseWindowSpotter, build_efficientnet_trunk
from .early_fusion_2d import EarlyFusion2D
from .gray_frames_preprocessor import GrayFramesPreprocessor
from .slow_fusion_stacker import SEED_PARAM_COUNT, SlowFusionStacker
from .vivit_spotter import ViViTSpotter, tube_mask

__all__ = ['BaseWindowSpotter', 'EarlyFusion2D', 'GrayFramesPreprocessor',
           'SEED_PARAM_COUNT', 'SlowFusionStacker', 'build_efficientnet_trunk',
           'ViViTSpotter', 'tube_mask']
