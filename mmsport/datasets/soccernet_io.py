"""Deprecated location: the format moved to :mod:`mmsport.fileio.soccernet` (torch-free).

This alias keeps ``mmsport.datasets.soccernet_io`` working for existing code; it is the
same module object, so attributes and errors are shared.
"""
import sys

from mmsport.fileio import soccernet as _module

sys.modules[__name__] = _module
