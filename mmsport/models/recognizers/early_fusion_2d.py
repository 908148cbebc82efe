"""Early-fusion 2D baseline: all frames of the window as the channels of one 2D CNN."""
from typing import Optional

import torch
import torch.nn as nn

from mmsport.models.layers import GeM
from mmsport.registry import MODELS
from .base_window_spotter import (DEFAULT_ENCODER_2D, BaseWindowSpotter,
                                  build_efficientnet_trunk)


@MODELS.register_module()
class EarlyFusion2D(BaseWindowSpotter):
    """The seed's 2D early-fusion baseline (about 0.15 mAP@1 below slow fusion)::

        (B, T, H, W) -2D (first conv: T in-channels)-> (B, 1280, H/32, W/32)
        -GeM-> (B, 1280) -dropout, fc-> (B, C)

    Same I/O contract as :class:`SlowFusionStacker` (data samples, modes,
    loss, preprocessor).

    Args:
        num_classes: C.
        num_frames: T, the in-channels of the first conv.
        encoder_2d: mmpretrain backbone config (built in the mmpretrain scope).
        feature_index_2d: index into ``encoder_2d.layers`` of the features;
            -1 (default) keeps EfficientNetV2's 1280-channel head conv.
        pretrained_2d: checkpoint path/URL for the encoder (loaded by
            ``init_weights()``). ImageNet stems have 3 in-channels: that
            one tensor is skipped (shape mismatch, with a warning) and stays
            randomly initialized.
        pretrained_2d_prefix: key prefix of the encoder in that checkpoint.
        gem_p: initial GeM exponent.
        dropout: dropout before the classifier.
        loss: loss config; default mmpretrain ``FocalLoss`` (alpha 0.4, gamma 1.2).
        data_preprocessor: default :class:`GrayFramesPreprocessor` (x / 255).
        init_cfg: mmengine init config of the whole model.
    """

    def __init__(self, num_classes: int = 2, num_frames: int = 15,
                 encoder_2d: dict = DEFAULT_ENCODER_2D, feature_index_2d: int = -1,
                 pretrained_2d: Optional[str] = None,
                 pretrained_2d_prefix: str = 'backbone.', gem_p: float = 3.0,
                 dropout: float = 0.2, loss: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None, init_cfg=None):
        super().__init__(num_classes, loss=loss, data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.num_frames = num_frames
        self.encoder_2d, channels = build_efficientnet_trunk(
            encoder_2d, num_frames, feature_index_2d, pretrained_2d, pretrained_2d_prefix)
        self.pool = GeM(p=gem_p)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(channels, num_classes)

    def forward_logits(self, inputs: torch.Tensor) -> torch.Tensor:
        """inputs: (B, T, H, W) float; returns (B, C) logits."""
        if inputs.shape[1] != self.num_frames:
            raise ValueError(f'expected {self.num_frames} frames, got {inputs.shape[1]}')
        x = self.encoder_2d(inputs)[-1]  # (B, C2d, h, w)
        x = self.pool(x)  # (B, C2d)
        return self.fc(self.dropout(x.to(self.fc.weight.dtype)))  # (B, C)
