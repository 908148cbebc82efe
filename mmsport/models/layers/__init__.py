from .gem import GeM
from .inverted_residual_3d import InvertedResidual3d, SELayer3d

__all__ = ['GeM', 'InvertedResidual3d', 'SELayer3d']
