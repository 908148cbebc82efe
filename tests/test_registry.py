from mmaction import registry as mmaction_registry
from mmengine.registry import Registry

from mmsport import registry as mmsport_registry


def test_every_mmaction_registry_has_a_child():
    parents = {n: r for n, r in vars(mmaction_registry).items()
               if isinstance(r, Registry) and r.scope == 'mmaction'}
    assert len(parents) >= 20
    for name, parent in parents.items():
        child = getattr(mmsport_registry, name, None)
        assert isinstance(child, Registry), f'mmsport.registry lacks {name}'
        assert child.parent is parent, name
        assert child.scope == 'mmsport'


def test_mmaction_types_resolve_unprefixed_in_mmsport_scope():
    from mmsport.registry import MODELS, TRANSFORMS
    assert MODELS.get('ResNetTSM') is not None  # from mmaction
    assert MODELS.get('BallUNet') is not None  # from mmsport
    assert TRANSFORMS.get('LoadBallFrameStack') is not None
    assert MODELS.get('mmaction.ResNetTSM') is MODELS.get('ResNetTSM')
