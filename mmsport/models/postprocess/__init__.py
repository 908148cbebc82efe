from .peak_spotting import peak_spotting

__all__ = ['peak_spotting']
from .soft_nms import merge_windows, soft_nms  # noqa: E402

__all__ += ['soft_nms', 'merge_windows']
