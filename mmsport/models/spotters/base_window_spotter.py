"""Shared I/O of the ball-action window models: (B, T, H, W) frames -> (B, C) logits."""
import copy
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn as nn
from mmaction.structures import ActionDataSample
from mmengine.model import BaseModel
from torch.nn.modules.batchnorm import _BatchNorm

from mmsport.registry import MODELS

# the seed's focal loss (alpha 0.4, gamma 1.2) is mmpretrain's sigmoid focal loss
DEFAULT_LOSS = dict(type='FocalLoss', alpha=0.4, gamma=1.2, _scope_='mmpretrain')
# mmpretrain EfficientNetV2-B0; the seed's 2D encoder is timm's tf_efficientnetv2_b0
# act SiLU: the same function as mmpretrain's default mmcv Swish (x * sigmoid(x)), as
# one fused kernel (benchmarks/bench_stacker_vs_timm.py); weights are interchangeable
DEFAULT_ENCODER_2D = dict(type='EfficientNetV2', arch='b0', drop_path_rate=0.2,
                          act_cfg=dict(type='SiLU'))


def build_efficientnet_trunk(cfg: dict, in_channels: int, out_index: int,
                             checkpoint: Optional[str] = None,
                             prefix: str = 'backbone.') -> Tuple[nn.Module, int]:
    """Build an mmpretrain EfficientNet(V2) and drop the layers after ``out_index``.

    The config is built in the mmpretrain scope (``_scope_='mmpretrain'``
    unless the cfg names another), without init (``init_cfg=None``) unless a
    ``checkpoint`` is given: then its ``prefix`` part is loaded by
    ``init_weights()`` (mmengine ``Pretrained`` init, non-strict: keys of the
    dropped layers and shape mismatches are skipped with a warning).

    Args:
        cfg: backbone config, e.g. ``dict(type='EfficientNetV2', arch='b0')``.
        in_channels: channels of the first conv.
        out_index: index into ``backbone.layers`` of the returned feature map.
        checkpoint: optional path/URL of pretrained weights.
        prefix: key prefix of the backbone in the checkpoint.

    Returns:
        (module returning a 1-tuple of (N, C_out, h, w), C_out).
    """
    cfg = copy.deepcopy(cfg)
    cfg.setdefault('_scope_', 'mmpretrain')
    cfg.setdefault('init_cfg', None)
    if checkpoint:
        cfg['init_cfg'] = dict(type='Pretrained', checkpoint=checkpoint, prefix=prefix)
    cfg.update(in_channels=in_channels, out_indices=(out_index, ))
    trunk = MODELS.build(cfg)
    index = trunk.out_indices[0]  # normalized (non-negative) by the backbone
    del trunk.layers[index + 1:]  # unused layers: no parameters, no compute
    norms = [m for m in trunk.layers[index].modules() if isinstance(m, _BatchNorm)]
    return trunk, norms[-1].num_features


class BaseWindowSpotter(BaseModel):
    """Multilabel classifier of the middle frame of a window of grayscale frames.

    Subclasses implement :meth:`forward_logits`. A subclass that encodes each
    stack of ``stack_size`` consecutive window frames on its own (a window of
    ``num_frames`` is ``num_frames // stack_size`` stacks) may also offer
    ``encode_stacks((N, k, H, W)) -> (N, F, h, w)`` and
    ``head_forward((B, F, S, h, w)) -> (B, C)`` (``forward_logits`` being the
    two in turn, see :class:`SlowFusionStacker`): whole-half inference then
    encodes a stack once for all the windows that share it. Targets are ``gt_label``
    float multi-hot / soft tensors (C,) on :class:`ActionDataSample` (mmaction's
    multi-class convention). Set them with a *tensor*:
    ``ActionDataSample.set_gt_label`` casts lists and numpy arrays to long.

    Args:
        num_classes: C.
        loss: element-wise loss on (B, C) logits and targets; default: the
            seed's sigmoid focal loss (mmpretrain ``FocalLoss``, alpha 0.4,
            gamma 1.2, mean over B x C), which takes soft targets as is.
        data_preprocessor: default :class:`GrayFramesPreprocessor` (x / 255).
        init_cfg: mmengine init config.
    """

    def __init__(self, num_classes: int, loss: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None, init_cfg=None):
        if data_preprocessor is None:
            data_preprocessor = dict(type='GrayFramesPreprocessor')
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.num_classes = num_classes
        self.loss_module = MODELS.build(copy.deepcopy(loss or DEFAULT_LOSS))

    def forward_logits(self, inputs: torch.Tensor) -> torch.Tensor:
        """inputs: (B, T, H, W) float; returns (B, C) logits."""
        raise NotImplementedError

    def forward(self, inputs: torch.Tensor,
                data_samples: Optional[List[ActionDataSample]] = None,
                mode: str = 'tensor'):
        """inputs: (B, T, H, W) float. Modes: 'tensor' (logits), 'loss', 'predict'."""
        logits = self.forward_logits(inputs)  # (B, C)
        if mode == 'tensor':
            return logits
        if mode == 'loss':
            return self.loss(logits, data_samples)
        if mode == 'predict':
            return self.predict(logits, data_samples)
        raise RuntimeError(f'Invalid mode "{mode}"; use loss, predict or tensor')

    def loss(self, logits: torch.Tensor,
             data_samples: List[ActionDataSample]) -> Dict[str, torch.Tensor]:
        """Returns ``dict(loss_cls=scalar)``; computed in float32 (AMP-safe)."""
        target = torch.stack([s.gt_label for s in data_samples])
        target = target.to(device=logits.device, dtype=torch.float32)  # (B, C)
        if target.shape != logits.shape:
            raise ValueError(f'gt_label must be multi-hot (C,) = {tuple(logits.shape[1:])}, '
                             f'got a batch of {tuple(target.shape)}')
        logits = logits.float()
        if logits.shape[1] == 1:  # mmpretrain FocalLoss reads an (N, 1) target as indices
            logits, target = logits[..., None], target[..., None]  # (B, 1, 1)
        return dict(loss_cls=self.loss_module(logits, target))

    def predict(self, logits: torch.Tensor,
                data_samples: Optional[List[ActionDataSample]] = None
                ) -> List[ActionDataSample]:
        """Sets ``pred_score`` (C,) = sigmoid(logits) on every sample."""
        scores = logits.detach().float().sigmoid()  # (B, C)
        if data_samples is None:
            data_samples = [ActionDataSample() for _ in range(len(scores))]
        for sample, score in zip(data_samples, scores):
            sample.set_pred_score(score)
        return data_samples
