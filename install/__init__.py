"""Helpers of install.sh, kept out of the mmsport package (standard library only).

Run from the repository root, before mmsport is installed::

    python -m install.toolchain_cli plan --venv .venv
    python -m install.toolchain_cli assemble --cuda 13.0 --dest .venv/cuda-13.0

:mod:`install.cuda_toolchain` picks the toolchain that builds mmcv's ops,
:mod:`install.cuda_home_layout` lays out a ``CUDA_HOME`` from NVIDIA's pip wheels.
"""
