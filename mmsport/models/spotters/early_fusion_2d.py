"""Early-fusion 2D baseline: all frames of the window as the channels of one 2D CNN."""
from typing import Optional

import torch
import torch.nn as nn
from mmengine.logging import print_log
from mmengine.runner.checkpoint import CheckpointLoader, load_state_dict

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
            ``init_weights()``). An ImageNet stem has 3 in-channels, not T:
            with ``adapt_stem`` its kernel is tiled over the T channels and
            scaled by 3 / T (as timm's ``in_chans``), so T identical frames
            give the pretrained stem's response to that frame as RGB;
            without, it stays randomly initialized (shape mismatch, skipped).
        pretrained_2d_prefix: key prefix of the encoder in that checkpoint.
        adapt_stem: adapt a pretrained stem with another channel count.
        gem_p: initial GeM exponent.
        dropout: dropout before the classifier.
        loss: loss config; default mmpretrain ``FocalLoss`` (alpha 0.4, gamma 1.2).
        data_preprocessor: default :class:`GrayFramesPreprocessor` (x / 255).
        init_cfg: mmengine init config of the whole model.
    """

    def __init__(self, num_classes: int = 2, num_frames: int = 15,
                 encoder_2d: dict = DEFAULT_ENCODER_2D, feature_index_2d: int = -1,
                 pretrained_2d: Optional[str] = None,
                 pretrained_2d_prefix: str = 'backbone.', adapt_stem: bool = True,
                 gem_p: float = 3.0, dropout: float = 0.2, loss: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None, init_cfg=None):
        super().__init__(num_classes, loss=loss, data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.num_frames = num_frames
        self.pretrained_2d, self.pretrained_2d_prefix = pretrained_2d, pretrained_2d_prefix
        self.adapt_stem = adapt_stem
        # with adapt_stem the checkpoint is read once, in init_weights (not by the trunk)
        self.encoder_2d, channels = build_efficientnet_trunk(
            encoder_2d, num_frames, feature_index_2d, None if adapt_stem else pretrained_2d,
            pretrained_2d_prefix)
        self.pool = GeM(p=gem_p)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(channels, num_classes)

    def init_weights(self) -> None:
        """Loads ``pretrained_2d`` once (non-strict), its stem tiled to T channels."""
        super().init_weights()
        if not (self.pretrained_2d and self.adapt_stem):
            return
        ckpt = CheckpointLoader.load_checkpoint(self.pretrained_2d, map_location='cpu')
        ckpt = ckpt.get('state_dict', ckpt)
        n = len(self.pretrained_2d_prefix)
        state = {k[n:]: v for k, v in ckpt.items() if k.startswith(self.pretrained_2d_prefix)}
        stem = self.encoder_2d.layers[0].conv.weight  # (C_out, T, k, k)
        src = state.get('layers.0.conv.weight')
        if src is not None and src.shape[0] == stem.shape[0] and src.shape[1] != stem.shape[1]:
            t, c = stem.shape[1], src.shape[1]
            state['layers.0.conv.weight'] = src.repeat(1, -(-t // c), 1, 1)[:, :t] * (c / t)
            print_log(f'EarlyFusion2D: stem of {self.pretrained_2d} adapted from {c} to {t} '
                      f'input channels (tiled, scaled by {c}/{t})', logger='current')
        load_state_dict(self.encoder_2d, state, strict=False, logger='current')

    def forward_logits(self, inputs: torch.Tensor) -> torch.Tensor:
        """inputs: (B, T, H, W) float; returns (B, C) logits."""
        if inputs.shape[1] != self.num_frames:
            raise ValueError(f'expected {self.num_frames} frames, got {inputs.shape[1]}')
        x = self.encoder_2d(inputs)[-1]  # (B, C2d, h, w)
        x = self.pool(x)  # (B, C2d)
        return self.fc(self.dropout(x.to(self.fc.weight.dtype)))  # (B, C)
