"""Lay out a ``CUDA_HOME`` from NVIDIA's pip toolkit wheels (install.sh, via
:mod:`install.cuda_toolchain` ``assemble``).

The wheels unpack bin/ include/ lib/ nvvm/ trees into site-packages; this module finds
those trees from the distributions' RECORD files and builds a folder of symlinks that
``torch.utils.cpp_extension`` and nvcc accept. Standard library only; it never writes
into site-packages and only ever replaces a folder it made itself (:data:`MARKER`).
"""
from __future__ import annotations

import os
import platform
import re
import shutil
import tempfile
from pathlib import Path
from typing import List, Optional, Sequence

#: Marker file written into an assembled CUDA_HOME (only such a folder is ever replaced).
MARKER = '.mmsport-cuda-home'
#: Folders of a CUDA_HOME; lib64 is a link to lib, as in NVIDIA's toolkit.
TOOLKIT_DIRS = ('bin', 'include', 'lib', 'nvvm')
_TARGET_DIRS = {'x86_64': 'x86_64-linux', 'amd64': 'x86_64-linux',
                'aarch64': 'sbsa-linux', 'arm64': 'sbsa-linux'}


def pip_toolkit_roots(dist_names: Sequence[str], path: Optional[Sequence[str]] = None,
                      optional: Sequence[str] = ()) -> List[Path]:
    """Folders that hold the toolkit trees of installed distributions (for CUDA 13:
    ``site-packages/nvidia/cu13``): the parent of their bin/include/lib/nvvm entries,
    read from each distribution's RECORD. ``optional`` distributions add their trees
    when installed. ``path``: search path (default sys.path)."""
    from importlib import metadata

    def norm(name):
        return re.sub(r'[-_.]+', '-', name or '').lower()

    kwargs = {} if path is None else {'path': list(path)}
    roots: List[Path] = []
    for name in list(dist_names) + [n for n in optional if n not in dist_names]:
        found = [d for d in metadata.distributions(**kwargs)
                 if norm(d.metadata['Name']) == norm(name)]
        if not found:
            if name in optional:
                continue
            raise FileNotFoundError(f'{name} is not installed')
        for f in found[0].files or ():
            parts = Path(f).parts
            if '..' in parts:  # console scripts and the like, outside site-packages
                continue
            for i, part in enumerate(parts[:-1]):
                if part in TOOLKIT_DIRS and i > 0:
                    root = Path(found[0].locate_file(Path(*parts[:i])))
                    if root not in roots:
                        roots.append(root)
                    break
    return roots


def _merge(dest: Path, sources: Sequence[Path]) -> None:
    """dest/ = union of the sources' entries: a symlink per entry, sub-folders that
    several sources share merged the same way (first source wins on a clash)."""
    dest.mkdir(parents=True, exist_ok=True)
    names: dict = {}
    for src in sources:
        for entry in sorted(src.iterdir()):
            names.setdefault(entry.name, []).append(entry)
    for name, entries in names.items():
        dirs = [e for e in entries if e.is_dir()]
        if len(dirs) > 1 and len(dirs) == len(entries):
            _merge(dest / name, dirs)
        else:
            (dest / name).symlink_to(entries[0])


def assemble_cuda_home(roots: Sequence[Path], dest: Path, machine: Optional[str] = None) -> Path:
    """Lay out a CUDA_HOME at ``dest`` from the pip toolkit trees ``roots``.

    Real folders bin/ include/ lib/ nvvm/ with a symlink per file (bin/ must be a
    real folder: nvcc reads bin/nvcc.profile and takes the toolkit root as
    ``<folder it was started from>/..``), lib64 -> lib, ``lib/libcudart.so`` (the
    runtime wheel has only libcudart.so.<N>; the link step wants -lcudart) and
    ``targets/<arch>-linux/{include,lib}`` (nvcc.profile adds
    ``-isystem $TOP/targets/<arch>-linux/include/cccl``). Replaces a folder made
    by an earlier call (marker file), never anything else.
    """
    dest = Path(dest)
    roots = [Path(r) for r in roots]
    if dest.exists() or dest.is_symlink():
        if not (dest / MARKER).is_file():
            raise FileExistsError(f'{dest} exists and was not made by mmsport; '
                                  'remove it or choose another place')
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f'.{dest.name}.', dir=dest.parent))
    try:
        for sub in TOOLKIT_DIRS:
            sources = [r / sub for r in roots if (r / sub).is_dir()]
            if sources:
                _merge(tmp / sub, sources)
        lib = tmp / 'lib'
        lib.mkdir(exist_ok=True)
        if not (lib / 'libcudart.so').exists():
            versioned = sorted(lib.glob('libcudart.so.*'))
            if versioned:
                (lib / 'libcudart.so').symlink_to(versioned[0].name)
        (tmp / 'lib64').symlink_to('lib')
        target = tmp / 'targets' / _TARGET_DIRS.get((machine or platform.machine()).lower(),
                                                    f'{machine or platform.machine()}-linux')
        target.mkdir(parents=True)
        (target / 'include').symlink_to(os.path.join('..', '..', 'include'))
        (target / 'lib').symlink_to(os.path.join('..', '..', 'lib'))
        tmp.chmod(0o755)  # mkdtemp made it 0700
        (tmp / MARKER).write_text('assembled by install.cuda_home_layout from:\n'
                                  + ''.join(f'{r}\n' for r in roots))
        if dest.exists():
            shutil.rmtree(dest)
        tmp.rename(dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest
