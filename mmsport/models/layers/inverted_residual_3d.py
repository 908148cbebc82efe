"""EfficientNet inverted-residual (MBConv) block ported to 3D, on mmpretrain's blocks."""
from typing import Optional

import torch.nn as nn
from mmcv.cnn import ConvModule
from mmpretrain.models.utils import InvertedResidual, SELayer

from mmsport.registry import MODELS


class SELayer3d(SELayer):
    """mmpretrain's :class:`SELayer` on (B, C, T, H, W): squeeze over T, H and W.

    Args:
        channels: input (and output) channels.
        squeeze_channels: width of the bottleneck.
        act_cfg: (bottleneck activation, gate activation).
        init_cfg: mmengine init config.
    """

    def __init__(self, channels: int, squeeze_channels: int,
                 act_cfg=(dict(type='SiLU'), dict(type='Sigmoid')), init_cfg=None):
        super().__init__(channels, squeeze_channels=squeeze_channels,
                         conv_cfg=dict(type='Conv3d'), act_cfg=act_cfg, init_cfg=init_cfg)
        self.global_avgpool = nn.AdaptiveAvgPool3d(1)  # (B, C, 1, 1, 1)


@MODELS.register_module()
class InvertedResidual3d(InvertedResidual):
    """1x1x1 expand -> depthwise kxkxk -> SE -> 1x1x1 project (+ residual).

    mmpretrain's :class:`InvertedResidual` with Conv3d / BN3d and a 3D SE.
    Every conv is bias-free and followed by BN; the expand and depthwise convs
    are followed by ``act_cfg``, the projection is linear. The residual (with
    optional drop path) is used when the stride is 1 and the widths match.

    The SE bottleneck is ``mid_channels // se_reduce_ratio`` wide, i.e. the
    ratio is taken of the *expanded* width, as in the seed's 3D block
    (``SqueezeExcite(mid_features, reduce_ratio=24)``: 192 * 3 // 24 = 24),
    not of the block input as in timm's 2D EfficientNet blocks.

    Args:
        in_channels: input channels C_in.
        out_channels: output channels C_out.
        expand_ratio: mid_channels = in_channels * expand_ratio (seed: 3).
        se_reduce_ratio: SE bottleneck = mid_channels // se_reduce_ratio
            (seed: 24); 0 or None disables SE.
        kernel_size: depthwise kernel size (same in T, H and W).
        spatial_stride: stride of the depthwise conv in H and W (T is never
            strided); the seed uses 1.
        norm_cfg: normalization (a 3D one).
        act_cfg: activation (seed: SiLU).
        drop_path_rate: stochastic depth on the residual branch.
        with_cp: gradient checkpointing (saves memory, costs time).
        init_cfg: mmengine init config.

    Shapes: (B, C_in, T, H, W) -> (B, C_out, T, H / s, W / s).
    """

    def __init__(self, in_channels: int, out_channels: int, expand_ratio: int = 3,
                 se_reduce_ratio: Optional[int] = 24, kernel_size: int = 3,
                 spatial_stride: int = 1, norm_cfg: dict = dict(type='BN3d'),
                 act_cfg: dict = dict(type='SiLU'), drop_path_rate: float = 0.0,
                 with_cp: bool = False, init_cfg=None):
        mid_channels = int(in_channels * expand_ratio)
        conv_cfg = dict(type='Conv3d')
        super().__init__(in_channels, out_channels, mid_channels, kernel_size=kernel_size,
                         stride=1, se_cfg=None, conv_cfg=conv_cfg, norm_cfg=norm_cfg,
                         act_cfg=act_cfg, drop_path_rate=drop_path_rate,
                         with_cp=with_cp, init_cfg=init_cfg)
        if spatial_stride != 1:  # the parent only knows isotropic strides
            self.depthwise_conv = ConvModule(
                mid_channels, mid_channels, kernel_size,
                stride=(1, spatial_stride, spatial_stride), padding=kernel_size // 2,
                groups=mid_channels, conv_cfg=conv_cfg, norm_cfg=norm_cfg, act_cfg=act_cfg)
            self.with_res_shortcut = False
        if se_reduce_ratio:
            self.with_se = True
            self.se = SELayer3d(mid_channels, max(1, mid_channels // se_reduce_ratio),
                                act_cfg=(act_cfg, dict(type='Sigmoid')))
