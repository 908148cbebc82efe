"""Slow-fusion stacker: 2D encoder per stack of frames, 3D encoder over the stacks."""
from typing import Optional

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule

from mmsport.models.layers import GeM, InvertedResidual3d
from mmsport.registry import MODELS
from .base_window_spotter import (DEFAULT_ENCODER_2D, BaseWindowSpotter,
                                  build_efficientnet_trunk)

# Parameter count of the seed's model (lRomul/ball-action-spotting,
# MultiDimStacker with config sampling_weights_001: tf_efficientnetv2_b0 2D
# encoder, features_only out_indices=[4], 15 frames in stacks of 3, 4 3D
# blocks, 192 -> 256 features, 2 classes), rebuilt from its documented
# structure with timm 1.0.31 (installed outside the venv): 2D encoder 5,610,384
# + 2D projection 37,248 + 3D blocks 1,070,688 + 3D projection 49,664
# + GeM p 1 + classifier 2,562.
SEED_PARAM_COUNT = 6_770_547


@MODELS.register_module()
class SlowFusionStacker(BaseWindowSpotter):
    """Ball-action spotter of the SoccerNet BAS-2023 winner (slow fusion).

    T grayscale frames are grouped into S = T / k stacks of k consecutive
    frames; each stack is a k-channel image for one shared 2D encoder
    (mmpretrain EfficientNetV2-B0, stride-32 features). Its features are
    projected to F channels, stacked along a time axis and mixed by inverted-
    residual 3D blocks; each stack is then projected to P channels, GeM-pooled
    over space, and the S pooled vectors are concatenated for a linear
    multilabel head (presence of each action at the middle frame)::

        (B, T, H, W) -> (B*S, k, H, W) -2D-> (B*S, 192, H/32, W/32)
        -1x1-> (B*S, F, h, w) -> (B, F, S, h, w) -3D blocks-> (B, F, S, h, w)
        -1x1-> (B*S, P, h, w) -> (B, S*P, h, w) -GeM-> (B, S*P) -fc-> (B, C)

    The two halves are public: :meth:`encode_stacks` ((N, k, H, W) stacks ->
    (N, F, h, w), up to the first ``-1x1->``) and :meth:`head_forward`
    ((B, F, S, h, w) -> (B, C)); ``forward`` is one after the other, and
    whole-half inference encodes each stack once for all the windows sharing it.

    Parameter count at the defaults (15 frames, stacks of 3, 2 classes):
    6,770,547, identical to the seed's 6,770,547 (``SEED_PARAM_COUNT``:
    seed-equivalent model built with timm 1.0.31 from the seed's structure;
    mmpretrain's EfficientNetV2-B0 cut after layer 6 has exactly the 5,610,384
    parameters of timm's ``tf_efficientnetv2_b0`` with ``features_only``).

    Args:
        num_classes: C (PASS, DRIVE).
        num_frames: T, a multiple of ``stack_size``; the head is sized for it
            (15 in the seed, 33 for the long-sequence fine-tune).
        stack_size: k, frames per 2D input.
        encoder_2d: mmpretrain backbone config (built in the mmpretrain scope,
            ``in_channels`` and ``out_indices`` are set here).
        feature_index_2d: index into ``encoder_2d.layers`` of the features;
            for B0 6 is the last stage (192 ch, stride 32) = timm
            ``features_only`` index 4 used by the seed; later layers (the 1280
            head conv) are dropped.
        pretrained_2d: checkpoint path/URL for the 2D encoder (loaded by
            ``init_weights()``); None: no pretrained weights, no download.
        pretrained_2d_prefix: key prefix of the encoder in that checkpoint.
        num_3d_features: F, width of the 3D encoder.
        num_3d_blocks: number of :class:`InvertedResidual3d` blocks.
        expand_ratio_3d: their expansion ratio.
        se_reduce_ratio_3d: their SE reduction (of the expanded width).
        num_3d_stack_proj: P, per-stack channels before pooling.
        gem_p: initial GeM exponent.
        dropout: dropout before the classifier (seed: 0.2).
        drop_path_rate_3d: drop path of every 3D block (seed: 0.2).
        act_cfg: activation of the projections and 3D blocks.
        freeze_2d_encoder: freeze the 2D encoder (no grads, BN in eval mode,
            run under no_grad) for the long-sequence fine-tune stage.
        channels_last_2d: run the 2D encoder and projection in channels-last
            memory format (NHWC): the same numbers, faster convolutions on CPU
            (oneDNN) and on GPUs with tensor cores
            (benchmarks/bench_stacker_vs_timm.py).
        loss: loss config; default mmpretrain ``FocalLoss`` (alpha 0.4, gamma 1.2).
        data_preprocessor: default :class:`GrayFramesPreprocessor` (x / 255).
        init_cfg: mmengine init config of the whole model.
    """

    def __init__(self, num_classes: int = 2, num_frames: int = 15, stack_size: int = 3,
                 encoder_2d: dict = DEFAULT_ENCODER_2D, feature_index_2d: int = 6,
                 pretrained_2d: Optional[str] = None,
                 pretrained_2d_prefix: str = 'backbone.',
                 num_3d_features: int = 192, num_3d_blocks: int = 4,
                 expand_ratio_3d: int = 3, se_reduce_ratio_3d: int = 24,
                 num_3d_stack_proj: int = 256, gem_p: float = 3.0, dropout: float = 0.2,
                 drop_path_rate_3d: float = 0.2, act_cfg: dict = dict(type='SiLU'),
                 freeze_2d_encoder: bool = False, channels_last_2d: bool = True,
                 loss: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None, init_cfg=None):
        super().__init__(num_classes, loss=loss, data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        if num_frames <= 0 or num_frames % stack_size:
            raise ValueError(f'num_frames={num_frames} must be a positive multiple of '
                             f'stack_size={stack_size}')
        self.num_frames = num_frames
        self.stack_size = stack_size
        self.num_stacks = num_frames // stack_size
        self.freeze_2d_encoder = freeze_2d_encoder

        self.encoder_2d, channels_2d = build_efficientnet_trunk(
            encoder_2d, stack_size, feature_index_2d, pretrained_2d, pretrained_2d_prefix)
        self.projection_2d = ConvModule(channels_2d, num_3d_features, 1,
                                        norm_cfg=dict(type='BN'), act_cfg=act_cfg)
        self.encoder_3d = nn.Sequential(*[
            InvertedResidual3d(num_3d_features, num_3d_features, expand_ratio=expand_ratio_3d,
                               se_reduce_ratio=se_reduce_ratio_3d, act_cfg=act_cfg,
                               drop_path_rate=drop_path_rate_3d)
            for _ in range(num_3d_blocks)])
        self.projection_3d = ConvModule(num_3d_features, num_3d_stack_proj, 1,
                                        norm_cfg=dict(type='BN'), act_cfg=act_cfg)
        self.pool = GeM(p=gem_p)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(num_3d_stack_proj * self.num_stacks, num_classes)

        if freeze_2d_encoder:
            self.encoder_2d.requires_grad_(False)
            self.encoder_2d.eval()
        self.channels_last_2d = channels_last_2d
        if channels_last_2d:  # 4D weights only; kept by .to(device) and load_state_dict
            self.encoder_2d.to(memory_format=torch.channels_last)
            self.projection_2d.to(memory_format=torch.channels_last)

    def train(self, mode: bool = True) -> 'SlowFusionStacker':
        """Keeps a frozen 2D encoder in eval mode (BN statistics fixed)."""
        super().train(mode)
        if self.freeze_2d_encoder:
            self.encoder_2d.eval()
        return self

    def encode_stacks(self, stacks: torch.Tensor) -> torch.Tensor:
        """2D features of independent stacks: (N, k, H, W) -> (N, F, h, w).

        The per-stack part of the model (2D encoder + 1x1 projection). In eval
        mode every layer is per-sample (BatchNorm with running statistics, SE
        pooling over each sample's own map, identity drop path), so a stack's
        features do not depend on the other stacks of the batch: a whole-half
        streamer can encode each stack once and reuse it in every window that
        holds it (:class:`mmsport.apis.spotting.SpottingStreamer`).
        """
        if stacks.dim() != 4 or stacks.shape[1] != self.stack_size:
            raise ValueError(f'expected (N, {self.stack_size}, H, W) stacks, got '
                             f'{tuple(stacks.shape)}')
        if self.channels_last_2d:
            stacks = stacks.contiguous(memory_format=torch.channels_last)
        with torch.set_grad_enabled(torch.is_grad_enabled() and not self.freeze_2d_encoder):
            x = self.encoder_2d(stacks)[-1]  # (N, C2d, h, w)
        return self.projection_2d(x)  # (N, F, h, w)

    def forward_2d(self, inputs: torch.Tensor) -> torch.Tensor:
        """(B, T, H, W) -> (B, F, S, h, w) features of every stack."""
        b, t, h, w = inputs.shape
        if t != self.num_frames:
            raise ValueError(f'expected {self.num_frames} frames, got {t}')
        s = self.num_stacks
        x = self.encode_stacks(inputs.reshape(b * s, self.stack_size, h, w))  # (B*S, F, h, w)
        return x.view(b, s, *x.shape[1:]).transpose(1, 2)  # (B, F, S, h, w)

    def forward_3d(self, x: torch.Tensor) -> torch.Tensor:
        """(B, F, S, h, w) -> (B, S*P, h, w), stack-major channels."""
        b, f, s, h, w = x.shape
        x = self.encoder_3d(x)  # (B, F, S, h, w)
        x = x.transpose(1, 2).reshape(b * s, f, h, w)  # (B*S, F, h, w)
        x = self.projection_3d(x)  # (B*S, P, h, w)
        return x.reshape(b, -1, h, w)  # (B, S*P, h, w)

    def head_forward(self, stack_features: torch.Tensor) -> torch.Tensor:
        """Window head over stack features: (B, F, S, h, w) -> (B, C) logits.

        ``stack_features[:, :, j]`` are the :meth:`encode_stacks` features of
        frames ``j*k .. j*k + k - 1`` of each window (S = ``num_stacks``).
        """
        if stack_features.shape[2] != self.num_stacks:
            raise ValueError(f'expected {self.num_stacks} stacks, got '
                             f'{stack_features.shape[2]}')
        x = self.pool(self.forward_3d(stack_features))  # (B, S*P)
        return self.fc(self.dropout(x.to(self.fc.weight.dtype)))  # (B, C)

    def forward_logits(self, inputs: torch.Tensor) -> torch.Tensor:
        """inputs: (B, T, H, W) float; returns (B, C) logits.

        Equals ``head_forward(forward_2d(inputs))``, the stacks of each window
        encoded by :meth:`encode_stacks`.
        """
        return self.head_forward(self.forward_2d(inputs))
