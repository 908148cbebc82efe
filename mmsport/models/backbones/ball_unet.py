"""U-Net over a stack of frames, predicting a ball heatmap (TrackNet-style)."""
import math
from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmengine.logging import print_log
from mmengine.model import BaseModule

from mmsport.registry import MODELS


class _DoubleConv(nn.Sequential):
    """Two 3x3 ConvModules (conv-BN-ReLU)."""

    def __init__(self, in_ch: int, out_ch: int, norm_cfg: dict, act_cfg: dict):
        super().__init__(
            ConvModule(in_ch, out_ch, 3, padding=1, norm_cfg=norm_cfg, act_cfg=act_cfg),
            ConvModule(out_ch, out_ch, 3, padding=1, norm_cfg=norm_cfg, act_cfg=act_cfg))


@MODELS.register_module()
class BallUNet(BaseModule):
    """Encoder-decoder with skip connections; one logit map at input size.

    The seed's Keras UNet (32-64-64 encoder, 128 bottleneck, 15 input channels
    = 5 RGB frames) is ``BallUNet(in_channels=15, channels=(32, 64, 64, 128))``.

    Args:
        in_channels: 3 x stack size (frames stacked on channels, oldest first).
        channels: widths of the encoder stages; the last is the bottleneck.
            Each stage but the last halves the resolution.
        dropout: dropout after each pooling/upsampling (the seed uses 0.5).
        prior_prob: initial ball probability of every pixel (bias of the last
            conv, as in RetinaNet). A ball covers ~0.03% of the pixels; starting
            near 0.5 everywhere lets the background dominate the loss and
            training stalls at a flat map.
        norm_cfg, act_cfg: mmcv ConvModule settings.
        space_to_depth: fold each ``f x f`` block of input pixels into channels
            before the first convolution (``pixel_unshuffle``) and unfold the
            output logits back (``pixel_shuffle``, ``f*f`` logit channels): the
            network runs at 1/f of the input resolution, so at f=2 a 640x360
            input costs about what 320x180 does, while every input pixel still
            reaches the first layer and the heatmap keeps full resolution.
            Inputs whose sides are not multiples of f are zero-padded, and the
            output cropped back.

    Weights of a tracker that took fewer input frames (e.g. a 3-frame stack, when
    this one adds a background frame: ``in_channels`` 12 against 9) load with the
    added frames' first-layer weights at zero, so training starts from that
    tracker's predictions and learns to use the new input (``load_from``).
    """

    def __init__(self, in_channels: int = 9, channels: Sequence[int] = (16, 32, 64, 128),
                 dropout: float = 0.0, prior_prob: float = 0.01,
                 norm_cfg: dict = dict(type='BN'),
                 act_cfg: dict = dict(type='ReLU'), space_to_depth: int = 1,
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if int(space_to_depth) != space_to_depth or space_to_depth < 1:
            raise ValueError(f'space_to_depth must be a positive integer, got {space_to_depth}')
        channels = list(channels)
        self.in_channels = in_channels
        self.space_to_depth = int(space_to_depth)
        self.encoders = nn.ModuleList()
        prev = in_channels * self.space_to_depth ** 2
        for ch in channels[:-1]:
            self.encoders.append(_DoubleConv(prev, ch, norm_cfg, act_cfg))
            prev = ch
        self.pool = nn.MaxPool2d(2, ceil_mode=True)
        self.drop = nn.Dropout2d(dropout) if dropout > 0 else nn.Identity()
        self.bottleneck = _DoubleConv(prev, channels[-1], norm_cfg, act_cfg)
        self.ups = nn.ModuleList()
        self.decoders = nn.ModuleList()
        prev = channels[-1]
        for ch in reversed(channels[:-1]):
            self.ups.append(nn.ConvTranspose2d(prev, ch, 2, stride=2))
            self.decoders.append(_DoubleConv(2 * ch, ch, norm_cfg, act_cfg))
            prev = ch
        self.out_conv = nn.Conv2d(prev, self.space_to_depth ** 2, 1)
        nn.init.constant_(self.out_conv.bias, math.log(prior_prob / (1 - prior_prob)))

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        key = prefix + 'encoders.0.0.conv.weight'
        old, own = state_dict.get(key), self.encoders[0][0].conv.weight
        per_frame = 3 * self.space_to_depth ** 2  # first-layer inputs of one frame
        if (isinstance(old, torch.Tensor) and old.dim() == 4 and old.shape[0] == own.shape[0]
                and old.shape[1] < own.shape[1]
                and (own.shape[1] - old.shape[1]) % per_frame == 0):
            # pixel_unshuffle keeps a frame's channels together (c * f*f + offset), so
            # frames appended to the stack are the last first-layer inputs
            extra = (own.shape[1] - old.shape[1]) // per_frame
            state_dict[key] = torch.cat([old, old.new_zeros(
                (old.shape[0], own.shape[1] - old.shape[1]) + tuple(old.shape[2:]))], 1)
            print_log(f'{key}: weights of a {old.shape[1] // per_frame}-frame input; the '
                      f'{extra} added frame(s) start at zero', logger='current')
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    @torch.no_grad()
    def fold_input_scale(self, scale: torch.Tensor) -> None:
        """Multiply the first convolution's weights by ``scale`` (C,), one factor per input
        channel, so that ``net(x)`` after the call equals ``net(x * scale)`` before it
        (exactly, padding included: a zero stays zero). Lets a caller feed raw pixel
        values without a scaling pass (:class:`~mmsport.models.trackers.UInt8InputNet`)."""
        scale = torch.as_tensor(scale, dtype=torch.float32).flatten()
        if scale.numel() != self.in_channels:
            raise ValueError(f'scale has {scale.numel()} values for {self.in_channels} '
                             'input channels')
        conv = self.encoders[0][0].conv  # pixel_unshuffle: channel c -> c*f*f .. c*f*f+f*f-1
        per_input = scale.repeat_interleave(self.space_to_depth ** 2).to(conv.weight)
        conv.weight.mul_(per_input.view(1, -1, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, 3*S, H, W) float frames -> (B, H, W) heatmap logits."""
        f = self.space_to_depth
        height, width = x.shape[-2:]
        if f > 1:
            x = F.pad(x, (0, -width % f, 0, -height % f))
            x = F.pixel_unshuffle(x, f)  # (B, 3*S*f*f, H/f, W/f)
        skips = []
        for enc in self.encoders:
            x = enc(x)
            skips.append(x)
            x = self.drop(self.pool(x))
        x = self.bottleneck(x)
        for up, dec, skip in zip(self.ups, self.decoders, reversed(skips)):
            x = up(x)[..., :skip.shape[-2], :skip.shape[-1]]  # undo ceil_mode padding
            x = dec(self.drop(torch.cat([x, skip], dim=1)))
        x = self.out_conv(x)
        if f > 1:
            x = F.pixel_shuffle(x, f)[..., :height, :width]  # (B, 1, H, W)
        return x[:, 0]
