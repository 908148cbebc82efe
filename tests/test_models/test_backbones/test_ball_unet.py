import pytest
import torch

from mmsport.models.backbones import BallUNet
from mmsport.registry import MODELS


@pytest.mark.parametrize('h,w', [(48, 80), (45, 80), (37, 51)])
def test_output_matches_input_size(h, w):
    net = BallUNet(in_channels=9, channels=(4, 8, 16))
    out = net(torch.rand(2, 9, h, w))
    assert out.shape == (2, h, w)


def test_seed_architecture_builds_from_registry():
    net = MODELS.build(dict(type='BallUNet', in_channels=15, channels=(32, 64, 64, 128),
                            dropout=0.5))
    assert net(torch.rand(1, 15, 36, 64)).shape == (1, 36, 64)
