from .gem import GeM
from .inverted_residual_3d import InvertedResidual3d, SELayer3d
from .tube_mask import tube_mask

__all__ = ['GeM', 'InvertedResidual3d', 'SELayer3d', 'tube_mask']
