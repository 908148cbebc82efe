"""Make :class:`CheckedLoadImageFromFile` reachable from mmdet's scope.

Detection configs build their datasets with ``_scope_='mmdet'``, where mmsport's
registry is out of reach (it hangs below mmaction's). Importing this module
registers the checked loader in mmdet's ``TRANSFORMS`` too; configs import it
through ``custom_imports`` (mmdet's registry is slow to import, so ``import
mmsport`` does not import it).
"""
from mmdet.registry import TRANSFORMS as MMDET_TRANSFORMS

from .checked_loading import CheckedLoadImageFromFile

if MMDET_TRANSFORMS.get('CheckedLoadImageFromFile') is None:
    MMDET_TRANSFORMS.register_module(module=CheckedLoadImageFromFile)
