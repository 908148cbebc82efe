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


@pytest.mark.parametrize('h,w', [(48, 80), (45, 81), (37, 51)])
def test_space_to_depth_keeps_input_size(h, w):
    net = BallUNet(in_channels=9, channels=(4, 8, 16), space_to_depth=2)
    assert net.encoders[0][0].conv.in_channels == 36  # 9 channels x a 2x2 block
    assert net(torch.rand(2, 9, h, w)).shape == (2, h, w)


def test_space_to_depth_unfolds_logit_channels_to_their_pixels():
    # a zero last conv leaves its bias: channel c = 2 * (y % 2) + (x % 2) of each 2x2 block
    net = BallUNet(in_channels=3, channels=(4, 8), space_to_depth=2).eval()
    torch.nn.init.zeros_(net.out_conv.weight)
    with torch.no_grad():
        net.out_conv.bias.copy_(torch.tensor([0., 1., 2., 3.]))
        out = net(torch.rand(1, 3, 5, 7))[0]
    ys, xs = torch.meshgrid(torch.arange(5), torch.arange(7), indexing='ij')
    assert torch.equal(out, (2 * (ys % 2) + xs % 2).float())


def test_space_to_depth_every_input_pixel_reaches_the_output():
    net = BallUNet(in_channels=3, channels=(4, 8), space_to_depth=2).eval()
    x = torch.rand(1, 3, 9, 11)
    base = net(x)
    for y, xx in [(0, 0), (8, 10), (3, 6)]:  # incl. the last (padded) row and column
        moved = x.clone()
        moved[0, :, y, xx] += 1.0
        assert not torch.allclose(net(moved), base)


@pytest.mark.parametrize('bad', [0, 1.5, -2])
def test_space_to_depth_must_be_a_positive_integer(bad):
    with pytest.raises(ValueError, match='space_to_depth'):
        BallUNet(in_channels=3, channels=(4, 8), space_to_depth=bad)


def test_weights_of_a_shorter_stack_load_with_the_added_frame_at_zero():
    """A 3-frame tracker's weights start a 3-frame + background tracker that predicts
    exactly what the 3-frame one did, whatever the background holds."""
    from mmengine.runner.checkpoint import load_state_dict
    torch.manual_seed(0)
    old = BallUNet(in_channels=9, channels=(4, 8, 16), space_to_depth=2).eval()
    new = BallUNet(in_channels=12, channels=(4, 8, 16), space_to_depth=2).eval()
    load_state_dict(new, old.state_dict(), strict=True)
    x = torch.randn(2, 12, 20, 30)
    with torch.no_grad():
        torch.testing.assert_close(new(x), old(x[:, :9]), rtol=0, atol=0)
    w = new.encoders[0][0].conv.weight
    assert w.shape[1] == 48 and not w[:, 36:].any()
    # a width the stack cannot explain is still a mismatch
    with pytest.raises(RuntimeError, match='size mismatch'):
        load_state_dict(BallUNet(in_channels=10, channels=(4, 8, 16), space_to_depth=2),
                        old.state_dict(), strict=True)
