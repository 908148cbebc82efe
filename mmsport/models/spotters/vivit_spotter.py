"""ViViT-style action spotter: per-frame ViT, temporal transformer, per-timestep multilabel head.

COMEDIAN (Denize et al., 2023) spots actions with a factorised spatio-temporal
transformer: a spatial ViT encodes every frame to one token, a temporal
transformer mixes the T frame tokens, and a linear head scores every timestep.
During training contiguous tubes of timesteps are masked (a learned mask token
replaces their frame tokens), which is also how the distillation stage trains
the temporal encoder to regress a teacher feature at every timestep.
"""
import copy
from typing import Dict, List, Optional

import numpy as np
import torch
import torch.nn as nn
from mmaction.structures import ActionDataSample
from mmengine.model import BaseModel
from mmengine.model.weight_init import trunc_normal_
from mmpretrain.models.backbones.vision_transformer import TransformerEncoderLayer

from mmsport.registry import MODELS
from ..layers.tube_mask import tube_mask
from ..losses.masked_distill_loss import masked_distill_loss

# mmpretrain ViT-tiny (DeiT-tiny: width 192, 12 layers, 3 heads), one token per frame
DEFAULT_SPATIAL_ENCODER = dict(type='VisionTransformer', arch='deit-tiny', img_size=224,
                               patch_size=16, out_type='cls_token', drop_path_rate=0.0,
                               _scope_='mmpretrain')
# sigmoid binary cross-entropy, mean over B x T x C
DEFAULT_LOSS = dict(type='CrossEntropyLoss', use_sigmoid=True, _scope_='mmpretrain')
# uint8 RGB (B, T, 3, H, W) -> float, ImageNet mean/std, on the device. mmaction's 'NCHW'
# format is (B, num_frames, C, H, W): its (C, 1, 1) mean/std broadcast over the frames.
DEFAULT_PREPROCESSOR = dict(type='ActionDataPreprocessor', mean=[123.675, 116.28, 103.53],
                            std=[58.395, 57.12, 57.375], format_shape='NCHW')


@MODELS.register_module()
class ViViTSpotter(BaseModel):
    """Factorised-encoder ViViT (COMEDIAN) scoring every timestep of a window of frames.

    ::

        (B, T, 3, H, W) -> (B*T, 3, H, W) -spatial ViT-> (B*T, D) -> (B, T, D)
        [training: mask tubes of timesteps -> learned mask token]
        + temporal pos. embedding -> temporal transformer (depth L) -> LN -> (B, T, D)
        -> dropout -> linear -> (B, T, C) logits
        [optional distill head: (B, T, D) -> (B, T, distill_dim)]

    The spatial encoder is mmpretrain's ``VisionTransformer`` (built in the
    mmpretrain scope) returning one token per frame (``out_type='cls_token'``
    or ``'avg_featmap'``); D is its ``embed_dims`` and the temporal encoder has
    the same width, made of mmpretrain ``TransformerEncoderLayer`` (pre-norm,
    as in the spatial ViT) and a final LayerNorm.

    Masking: in ``loss`` mode while ``self.training`` and ``mask_ratio > 0``,
    :func:`tube_mask` picks the masked timesteps of every sample; their frames
    are *not* encoded by the spatial ViT (it sees one frame at a time, so their
    tokens would be discarded anyway; the seed also skips them) and their tokens
    are the learned ``mask_token`` before the temporal position embedding is
    added. ``tensor`` and ``predict`` modes never mask.

    Targets (fields of :class:`ActionDataSample`, set with *tensors*):

    * ``gt_label``: (T, C) float multi-hot / soft per-timestep targets ->
      ``loss_cls`` (the ``loss`` module on (B*T, C) logits, float32).
    * ``gt_features``: (T, distill_dim) teacher features (COMEDIAN stage 2:
      PCA-512 features of a pretrained video model) -> ``loss_distill``: the
      distill head regresses them from the temporal output, with an
      element-wise MSE or smooth-L1 averaged over the feature dim, then
      ``distill_masked_weight * mean over masked timesteps +
      distill_unmasked_weight * mean over unmasked timesteps`` (a group with no
      timestep, e.g. no masking, contributes 0). Needs ``distill_dim``.

    Each loss is computed only when every sample carries its field (a
    distillation-only stage needs no ``gt_label``); at least one is needed.

    Args:
        num_classes: C (17 SoccerNet-v2 action classes).
        num_timesteps: length of the learned temporal position embedding, the
            largest T accepted (128 = 64 s at 2 fps); shorter windows use its
            first T positions.
        spatial_encoder: mmpretrain ``VisionTransformer`` config (``_scope_``
            defaults to ``'mmpretrain'``; ``init_cfg`` is replaced).
        pretrained_spatial: checkpoint path/URL of the spatial encoder (e.g.
            from the self-supervised stage), loaded by ``init_weights()``
            (mmengine ``Pretrained`` init, non-strict, pos. embedding resized to
            ``img_size``); None: no pretrained weights, no download.
        pretrained_spatial_prefix: key prefix of the encoder in that
            checkpoint ('' or None: the whole checkpoint is the encoder).
        temporal_depth: L, number of temporal layers.
        temporal_num_heads: attention heads of the temporal layers.
        temporal_mlp_ratio: FFN width / D of the temporal layers.
        temporal_drop_rate: dropout after the temporal pos. embedding and in
            the temporal layers.
        temporal_drop_path_rate: stochastic depth, linearly 0 -> this over L.
        mask_ratio: fraction of timesteps masked in training (0: off).
        mask_tube: length of the contiguous masked runs (see :func:`tube_mask`).
        head_dropout: dropout before the classifier.
        loss: classification loss config on (N, C) logits / float targets;
            default mmpretrain sigmoid ``CrossEntropyLoss`` (BCE); e.g.
            ``dict(type='FocalLoss', _scope_='mmpretrain')``.
        distill_dim: width of the teacher features; None: no distill head.
        distill_loss: 'mse' or 'smooth_l1'.
        distill_beta: smooth-L1 beta.
        distill_masked_weight: weight of the masked-timestep mean.
        distill_unmasked_weight: weight of the unmasked-timestep mean.
        freeze_trunk: train the classifier only (COMEDIAN fine-tuning, phase 1):
            the spatial and temporal encoders, mask token and position
            embedding get ``requires_grad=False``, stay in eval mode and run
            without autograd; the distill head is frozen too.
        data_preprocessor: default mmaction ``ActionDataPreprocessor``
            (``format_shape='NCHW'``, ImageNet mean/std on 0..255 RGB).
        init_cfg: mmengine init config of the whole model.
    """

    def __init__(self, num_classes: int = 17, num_timesteps: int = 128,
                 spatial_encoder: dict = DEFAULT_SPATIAL_ENCODER,
                 pretrained_spatial: Optional[str] = None,
                 pretrained_spatial_prefix: Optional[str] = 'backbone.',
                 temporal_depth: int = 6, temporal_num_heads: int = 3,
                 temporal_mlp_ratio: float = 4.0, temporal_drop_rate: float = 0.0,
                 temporal_drop_path_rate: float = 0.0, mask_ratio: float = 0.25,
                 mask_tube: int = 2, head_dropout: float = 0.0,
                 loss: Optional[dict] = None, distill_dim: Optional[int] = None,
                 distill_loss: str = 'mse', distill_beta: float = 1.0,
                 distill_masked_weight: float = 1.0, distill_unmasked_weight: float = 1.0,
                 freeze_trunk: bool = False,
                 data_preprocessor: Optional[dict] = None, init_cfg=None):
        if not isinstance(data_preprocessor, nn.Module):
            # built here in the mmsport registry: resolves mmaction types without a default scope
            data_preprocessor = MODELS.build(copy.deepcopy(data_preprocessor
                                                           or DEFAULT_PREPROCESSOR))
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if distill_loss not in ('mse', 'smooth_l1'):
            raise ValueError(f"distill_loss must be 'mse' or 'smooth_l1', got {distill_loss}")
        tube_mask(1, 1, mask_ratio, mask_tube)  # validates ratio and tube
        self.num_classes = num_classes
        self.num_timesteps = num_timesteps
        self.mask_ratio = mask_ratio
        self.mask_tube = mask_tube
        self.distill_loss = distill_loss
        self.distill_beta = distill_beta
        self.distill_masked_weight = distill_masked_weight
        self.distill_unmasked_weight = distill_unmasked_weight

        cfg = copy.deepcopy(spatial_encoder)
        cfg.setdefault('_scope_', 'mmpretrain')
        cfg['init_cfg'] = None
        if pretrained_spatial:
            cfg['init_cfg'] = dict(type='Pretrained', checkpoint=pretrained_spatial,
                                   prefix=pretrained_spatial_prefix or None)
        self.spatial_encoder = MODELS.build(cfg)
        dims = self.spatial_encoder.embed_dims
        self.embed_dims = dims

        self.mask_token = nn.Parameter(torch.zeros(1, 1, dims))
        self.temporal_pos_embed = nn.Parameter(torch.zeros(1, num_timesteps, dims))
        self.temporal_drop = nn.Dropout(temporal_drop_rate)
        dpr = np.linspace(0, temporal_drop_path_rate, temporal_depth)
        self.temporal_layers = nn.ModuleList([
            TransformerEncoderLayer(dims, temporal_num_heads, int(dims * temporal_mlp_ratio),
                                    drop_rate=temporal_drop_rate, drop_path_rate=float(rate),
                                    norm_cfg=dict(type='LN', eps=1e-6))
            for rate in dpr])
        self.temporal_norm = nn.LayerNorm(dims, eps=1e-6)
        self.head_dropout = nn.Dropout(head_dropout)
        self.fc_cls = nn.Linear(dims, num_classes)
        self.distill_head = nn.Linear(dims, distill_dim) if distill_dim else None
        self.loss_module = MODELS.build(copy.deepcopy(loss or DEFAULT_LOSS))

        trunc_normal_(self.mask_token, std=0.02)
        trunc_normal_(self.temporal_pos_embed, std=0.02)
        self.freeze_trunk = bool(freeze_trunk)
        if self.freeze_trunk:
            for name, param in self.named_parameters():
                if not name.startswith('fc_cls.'):
                    param.requires_grad_(False)

    def train(self, mode: bool = True):
        """As ``nn.Module.train``; a frozen trunk stays in eval mode (no dropout)."""
        super().train(mode)
        if self.freeze_trunk and mode:
            for module in self.children():
                if module is not self.fc_cls and module is not self.head_dropout:
                    module.eval()
        return self

    # ------------------------------------------------------------------ features
    def extract_frame_features(self, inputs: torch.Tensor) -> torch.Tensor:
        """Spatial encoder on every frame: (B, T, 3, H, W) -> (B, T, D)."""
        b, t = inputs.shape[:2]
        return self._encode_frames(inputs.flatten(0, 1)).view(b, t, -1)

    def _encode_frames(self, frames: torch.Tensor) -> torch.Tensor:
        """(N, 3, H, W) -> (N, D) one token per frame."""
        out = self.spatial_encoder(frames)[-1]
        if out.dim() != 2:
            raise ValueError('spatial_encoder must return one token per frame (N, D) '
                             f"(out_type 'cls_token' or 'avg_featmap'), got {tuple(out.shape)}")
        return out

    def _masked_frame_features(self, inputs: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Spatial encoder on the unmasked frames only.

        Args:
            inputs: (B, T, 3, H, W) frames.
            mask: (B, T) bool, True = masked.

        Returns:
            (B, T, D) tokens; zeros at masked timesteps (replaced by the mask
            token in :meth:`forward_temporal`).
        """
        keep = ~mask.to(inputs.device)
        tokens = inputs.new_zeros(*mask.shape, self.embed_dims)  # (B, T, D)
        if keep.any():
            feats = self._encode_frames(inputs[keep])  # (N_kept, D)
            tokens = tokens.to(feats.dtype)
            tokens[keep] = feats
        return tokens

    def apply_mask(self, tokens: torch.Tensor, mask: Optional[torch.Tensor]) -> torch.Tensor:
        """Replace the masked tokens by the learned mask token.

        Args:
            tokens: (B, T, D) frame tokens.
            mask: (B, T) bool, True = masked; None: unchanged.

        Returns:
            (B, T, D) tokens.
        """
        if mask is None:
            return tokens
        mask = mask.to(tokens.device)[..., None]  # (B, T, 1)
        return torch.where(mask, self.mask_token.to(tokens.dtype), tokens)

    def forward_temporal(self, tokens: torch.Tensor,
                         mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Temporal encoder: (B, T, D) frame tokens -> (B, T, D) contextual tokens.

        Args:
            tokens: (B, T, D) frame tokens, T <= ``num_timesteps``.
            mask: optional (B, T) bool; masked tokens become the mask token
                before the position embedding is added.

        Returns:
            (B, T, D), after the final LayerNorm.
        """
        t = tokens.shape[1]
        if t > self.num_timesteps:
            raise ValueError(f'{t} timesteps > num_timesteps={self.num_timesteps}')
        x = self.apply_mask(tokens, mask)
        x = self.temporal_drop(x + self.temporal_pos_embed[:, :t])
        for layer in self.temporal_layers:
            x = layer(x)
        return self.temporal_norm(x)

    def forward_features(self, inputs: torch.Tensor,
                         mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        """(B, T, 3, H, W) frames (+ optional (B, T) mask) -> (B, T, D) temporal output."""
        if mask is None:
            tokens = self.extract_frame_features(inputs)
        else:
            tokens = self._masked_frame_features(inputs, mask)
        return self.forward_temporal(tokens, mask)

    def forward_head(self, feats: torch.Tensor) -> torch.Tensor:
        """(B, T, D) -> (B, T, C) logits."""
        return self.fc_cls(self.head_dropout(feats))

    def sample_mask(self, inputs: torch.Tensor) -> Optional[torch.Tensor]:
        """Training mask for a (B, T, ...) batch: (B, T) bool, or None when not masking."""
        if not (self.training and self.mask_ratio > 0):
            return None
        return tube_mask(inputs.shape[0], inputs.shape[1], self.mask_ratio, self.mask_tube,
                         device=inputs.device)

    # ------------------------------------------------------------------ modes
    def forward(self, inputs: torch.Tensor,
                data_samples: Optional[List[ActionDataSample]] = None,
                mode: str = 'tensor'):
        """inputs: (B, T, 3, H, W) float. Modes: 'tensor' ((B, T, C) logits), 'loss', 'predict'."""
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode not in ('tensor', 'predict'):
            raise RuntimeError(f'Invalid mode "{mode}"; use loss, predict or tensor')
        logits = self.forward_head(self.forward_features(inputs))  # (B, T, C)
        if mode == 'tensor':
            return logits
        return self.predict(logits, data_samples)

    def loss(self, inputs: torch.Tensor,
             data_samples: List[ActionDataSample]) -> Dict[str, torch.Tensor]:
        """Masked forward and losses (float32, AMP-safe).

        Args:
            inputs: (B, T, 3, H, W) frames.
            data_samples: B samples with ``gt_label`` (T, C) and/or
                ``gt_features`` (T, distill_dim).

        Returns:
            ``loss_cls`` and/or ``loss_distill`` scalars.
        """
        has_label = all('gt_label' in s for s in data_samples)
        has_teacher = all('gt_features' in s for s in data_samples)
        if not (has_label or has_teacher):
            raise ValueError('data samples carry neither gt_label (T, C) nor gt_features')
        if has_teacher and self.distill_head is None:
            raise ValueError('data samples carry gt_features but distill_dim is None')
        mask = self.sample_mask(inputs)
        with torch.set_grad_enabled(torch.is_grad_enabled() and not self.freeze_trunk):
            feats = self.forward_features(inputs, mask)  # (B, T, D)
        losses = {}
        if has_label:
            losses['loss_cls'] = self.loss_cls(self.forward_head(feats), data_samples)
        if has_teacher:
            losses['loss_distill'] = self.loss_distill(self.distill_head(feats), data_samples,
                                                       mask)
        return losses

    def loss_cls(self, logits: torch.Tensor,
                 data_samples: List[ActionDataSample]) -> torch.Tensor:
        """Multilabel loss of (B, T, C) logits against the (T, C) ``gt_label`` of each sample."""
        target = torch.stack([s.gt_label for s in data_samples])
        target = target.to(device=logits.device, dtype=torch.float32)  # (B, T, C)
        if target.shape != logits.shape:
            raise ValueError(f'gt_label must be per-timestep multi-hot (T, C) = '
                             f'{tuple(logits.shape[1:])}, got a batch of {tuple(target.shape)}')
        logits = logits.float().flatten(0, 1)  # (B*T, C)
        target = target.flatten(0, 1)
        if logits.shape[1] == 1:  # mmpretrain FocalLoss reads an (N, 1) target as indices
            logits, target = logits[..., None], target[..., None]  # (B*T, 1, 1)
        return self.loss_module(logits, target)

    def loss_distill(self, pred: torch.Tensor, data_samples: List[ActionDataSample],
                     mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Regression of the teacher features at masked and unmasked timesteps.

        Args:
            pred: (B, T, F) distill-head output.
            data_samples: B samples with ``gt_features`` (T, F).
            mask: (B, T) bool, True = masked; None: every timestep is unmasked.

        Returns:
            ``w_masked * mean_masked + w_unmasked * mean_unmasked`` of the
            per-timestep error (averaged over F).
        """
        target = torch.stack([s.gt_features for s in data_samples])
        target = target.to(device=pred.device, dtype=torch.float32)  # (B, T, F)
        if target.shape != pred.shape:
            raise ValueError(f'gt_features must be (T, F) = {tuple(pred.shape[1:])}, '
                             f'got a batch of {tuple(target.shape)}')
        return masked_distill_loss(pred, target, mask, self.distill_loss, self.distill_beta,
                                   self.distill_masked_weight, self.distill_unmasked_weight)

    def predict(self, logits: torch.Tensor,
                data_samples: Optional[List[ActionDataSample]] = None
                ) -> List[ActionDataSample]:
        """Sets ``pred_score`` (T, C) = sigmoid(logits) on every sample."""
        scores = logits.detach().float().sigmoid()  # (B, T, C)
        if data_samples is None:
            data_samples = [ActionDataSample() for _ in range(len(scores))]
        for sample, score in zip(data_samples, scores):
            sample.set_pred_score(score)
        return data_samples
