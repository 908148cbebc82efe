"""Deprecated location: the format moved to :mod:`mmsport.fileio.reid` (torch-free).

This alias keeps ``mmsport.datasets.reid_io`` working for existing code; it is the
same module object, so attributes and errors are shared.
"""
import sys

from mmsport.fileio import reid as _module

sys.modules[__name__] = _module
