"""Horizontal-flip test-time augmentation of a heatmap network.

The ball trackers are trained with random horizontal flips of the whole stack
(``RandomFlipBallStack``), so the flipped stack is as good an input as the
original; averaging the two heatmaps (the second flipped back) removes part of
each pass's errors at twice the network cost.
"""
import torch
import torch.nn as nn


class FlipAverageNet(nn.Module):
    """``net`` run on the stack and on its mirror image in one batch, logits averaged.

    Args:
        net: a module mapping (B, C, H, W) -> (B, H, W) heatmap logits (a backbone
            such as ``BallUNet``, or ``UInt8InputNet`` around one). Not copied.
    """

    def __init__(self, net: nn.Module):
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, C, H, W) -> (B, H, W): mean of ``net(x)`` and ``flip(net(flip(x)))``."""
        both = self.net(torch.cat([x, x.flip(-1)]))  # (2B, H, W)
        plain, mirrored = both.chunk(2)
        return 0.5 * (plain + mirrored.flip(-1))


def inference_net(net: nn.Module, test_cfg: dict) -> nn.Module:
    """``net`` as the model runs it at test time: wrapped in :class:`FlipAverageNet`
    when ``test_cfg['flip']`` is true, else ``net`` itself."""
    return FlipAverageNet(net) if test_cfg.get('flip', False) else net
