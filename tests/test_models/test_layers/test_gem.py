import pytest
import torch

from mmsport.models.layers import GeM
from mmsport.registry import MODELS


@pytest.mark.parametrize('shape', [(2, 4, 5, 6), (2, 4, 3, 5, 6)])
def test_gem_p1_equals_average_pooling(shape):
    x = torch.rand(shape) + 0.1
    out = GeM(p=1.0)(x)
    assert out.shape == shape[:2]
    torch.testing.assert_close(out, x.flatten(2).mean(-1))


def test_gem_large_p_approaches_max_pooling():
    x = torch.rand(2, 4, 3, 5, 6) + 0.5
    mx = x.flatten(2).amax(-1)
    err_small = (GeM(p=3.0)(x) - mx).abs().max()
    err_large = (GeM(p=200.0)(x) - mx).abs().max()
    assert err_large < err_small
    assert err_large < 0.05


def test_gem_p_is_learnable_and_registered():
    gem = MODELS.build(dict(type='GeM', p=3.0))
    assert isinstance(gem, GeM) and gem.p.requires_grad and gem.p.item() == 3.0
    x = torch.rand(2, 4, 5, 6)
    gem(x).sum().backward()
    assert torch.isfinite(gem.p.grad).all() and gem.p.grad.abs().sum() > 0


def test_gem_tuple_inputs_and_half_precision():
    x = torch.rand(2, 4, 5, 6)
    a, b = GeM()((x, x.half()))
    assert a.dtype == torch.float32 and b.dtype == torch.float32
    torch.testing.assert_close(a, b, atol=1e-3, rtol=1e-3)
