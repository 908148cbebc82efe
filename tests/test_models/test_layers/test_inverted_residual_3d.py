import torch

from mmsport.models.layers import InvertedResidual3d, SELayer3d
from mmsport.registry import MODELS


def test_residual_block_keeps_shape_and_uses_shortcut():
    block = InvertedResidual3d(8, 8, expand_ratio=3, se_reduce_ratio=4)
    assert block.with_res_shortcut and block.with_se
    x = torch.randn(2, 8, 5, 6, 7)  # (B, C, T, H, W)
    assert block(x).shape == x.shape
    # zero the last BN: the branch outputs 0 and the block is the identity
    torch.nn.init.zeros_(block.linear_conv.bn.weight)
    block.eval()
    torch.testing.assert_close(block(x), x)


def test_no_residual_when_width_or_stride_changes():
    x = torch.randn(2, 8, 5, 6, 6)
    wider = InvertedResidual3d(8, 16)
    assert not wider.with_res_shortcut and wider(x).shape == (2, 16, 5, 6, 6)
    strided = InvertedResidual3d(8, 8, spatial_stride=2)
    assert not strided.with_res_shortcut
    assert strided(x).shape == (2, 8, 5, 3, 3)  # time is never strided


def test_seed_block_layout_and_parameter_count():
    block = MODELS.build(dict(type='InvertedResidual3d', in_channels=192, out_channels=192,
                              expand_ratio=3, se_reduce_ratio=24))
    assert block.expand_conv.conv.out_channels == 576
    assert block.depthwise_conv.conv.groups == 576
    assert block.depthwise_conv.conv.kernel_size == (3, 3, 3)
    assert block.se.conv1.conv.out_channels == 24  # 576 // 24: ratio of the expanded width
    assert isinstance(block.expand_conv.activate, torch.nn.SiLU)
    assert not block.linear_conv.with_activation  # linear projection
    # conv_pw + bn + dw + bn + SE(reduce+bias, expand+bias) + pwl + bn, as in the seed
    assert sum(p.numel() for p in block.parameters()) == 267_672


def test_se3d_squeezes_time_too():
    se = SELayer3d(4, 2, act_cfg=(dict(type='ReLU'), dict(type='Sigmoid')))
    x = torch.randn(1, 4, 3, 2, 2)
    assert se.global_avgpool(x).shape == (1, 4, 1, 1, 1)
    assert se(x).shape == x.shape


def test_drop_path_in_training_keeps_shape():
    block = InvertedResidual3d(8, 8, drop_path_rate=0.5).train()
    x = torch.randn(4, 8, 3, 4, 4)
    assert block(x).shape == x.shape
