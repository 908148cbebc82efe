"""Pick the CUDA toolchain for building mmcv's ops (used by install.sh, step 4).

torch's pip wheels bring the CUDA *runtime* but no compiler. On a GPU machine
without a system CUDA toolkit this module lets install.sh fetch NVIDIA's
compiler wheels that match ``torch.version.cuda`` and lay them out as a
``CUDA_HOME`` that ``torch.utils.cpp_extension`` accepts
(``$CUDA_HOME/bin/nvcc``, ``$CUDA_HOME/include``, ``$CUDA_HOME/lib64``; the layout
itself: :mod:`install.cuda_home_layout`).

Standard library only; torch is imported lazily by :func:`probe_torch` (the
``plan`` command), never at module import. Command line (install.sh,
:mod:`install.toolchain_cli`; in Python, :func:`plan` and :func:`assemble`)::

    python -m install.toolchain_cli plan --venv .venv   # shell assignments, eval'd
    python -m install.toolchain_cli assemble --cuda 13.0 --dest .venv/cuda-13.0

Pip packages (inspected wheel by wheel, see docs/install.md):

* CUDA 13.x: ``nvidia-cuda-nvcc`` (bin/: nvcc, cudafe++, ptxas, fatbinary,
  nvlink, nvcc.profile), ``nvidia-nvvm`` (nvvm/bin/cicc, libdevice),
  ``nvidia-cuda-crt`` (include/crt), ``nvidia-cuda-cccl`` (include/cccl:
  thrust, cub, libcu++) and ``nvidia-cuda-runtime`` (headers, libcudart). All
  unpack into one ``site-packages/nvidia/cu13/`` tree, next to the headers of
  cuBLAS/cuSPARSE/cuSOLVER that torch's wheels bring. nvidia-cuda-nvcc requires
  nvvm/crt/runtime *unpinned*, so every one is pinned here; where NVIDIA's
  ``cuda-toolkit`` metapackage is installed (torch 2.14 pins it) its
  ``[nvcc,cccl]`` extras pin the exact patch releases.
* CUDA 12.x: ``nvidia-cuda-nvcc-cu12`` (12.4, 12.6, 12.8, 12.9 checked) holds
  only ptxas, libnvvm and libdevice: no ``nvcc`` driver, no cicc. There is no
  pip route; a system toolkit (or conda's ``cuda-nvcc``) is needed.

Environment (all optional):

* ``MMSPORT_CPU_OPS=1``: build CPU-only ops, whatever the machine has.
* ``MMSPORT_NVCC=auto|system|pip``: ``auto`` (default) uses a system toolkit
  whose version matches torch's, else the pip one; ``system`` never installs
  the pip compiler; ``pip`` uses it even when a matching system one exists.
* ``MMSPORT_CUDA_OPS=1``: build CUDA ops although torch sees no GPU (e.g. an
  image built on a CPU machine); needs ``TORCH_CUDA_ARCH_LIST``.
* ``TORCH_CUDA_ARCH_LIST``: kept when set; else taken from the visible GPUs.
* ``CUDA_HOME`` / ``CUDA_PATH``: where to look for a system toolkit first.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, List, Mapping, Optional, Sequence, Tuple

from install.cuda_home_layout import assemble_cuda_home, pip_toolkit_roots

_TRUE = ('1', 'true', 'yes', 'on')


def cuda_major_minor(version: str) -> Tuple[int, int]:
    """'13.0' / '13.0.88' / 'V12.4.131' -> (13, 0)."""
    m = re.match(r'^\s*[vV]?(\d+)\.(\d+)', str(version))
    if not m:
        raise ValueError(f'not a CUDA version: {version!r}')
    return int(m.group(1)), int(m.group(2))


def cuda_tag(version: str) -> str:
    """'13.0' -> 'cu130' (as torch.version.cuda.replace('.', ''))."""
    major, minor = cuda_major_minor(version)
    return f'cu{major}{minor}'


#: The CUDA 13 wheels that make a toolkit (nvcc first: its tree is the toolkit root).
CUDA13_TOOLKIT_DISTS = ('nvidia-cuda-nvcc', 'nvidia-nvvm', 'nvidia-cuda-crt', 'nvidia-cuda-cccl',
                        'nvidia-cuda-runtime')
#: torch's CUDA library wheels, whose headers ATen/cuda/CUDAContext.h includes (same tree as
#: the toolkit in a plain venv; another one when pip put them elsewhere, e.g. --user).
CUDA13_HEADER_DISTS = ('nvidia-cublas', 'nvidia-cusparse', 'nvidia-cusolver')


def nvcc_pip_requirements(torch_cuda: str,
                          cuda_toolkit: Optional[str] = None) -> Optional[List[str]]:
    """pip requirements of nvcc + headers for torch's CUDA version, or None where
    NVIDIA publishes no pip nvcc for it (CUDA <= 12: the -cu12 wheels lack nvcc).

    Each wheel is pinned to torch's major.minor (nvidia-cuda-nvcc itself requires
    nvvm/crt/runtime unpinned). ``cuda_toolkit``: the installed version of NVIDIA's
    ``cuda-toolkit`` metapackage (torch 2.14's wheels pin it, e.g. 13.0.3); when it
    matches, its ``[nvcc,cccl]`` extras are added, which pin the exact patch releases
    of that toolkit (nvcc 13.0.88 next to torch's runtime 13.0.96).
    """
    major, minor = cuda_major_minor(torch_cuda)
    if major < 13:
        return None
    spec = f'=={major}.{minor}.*'
    reqs = [f'{name}{spec}' for name in CUDA13_TOOLKIT_DISTS]
    if cuda_toolkit and cuda_major_minor(cuda_toolkit) == (major, minor):
        reqs.insert(0, f'cuda-toolkit[nvcc,cccl]=={cuda_toolkit}')
    return reqs


def no_pip_nvcc_reason(torch_cuda: str) -> str:
    major, minor = cuda_major_minor(torch_cuda)
    return (f'NVIDIA publishes no pip nvcc for CUDA {major}.{minor} '
            f'(the nvidia-cuda-nvcc-cu{major} wheels hold ptxas/libnvvm only); install the '
            f"CUDA {major}.{minor} toolkit and set CUDA_HOME, or use conda's "
            f'cuda-nvcc={major}.{minor}')


def parse_nvcc_version(text: str) -> Optional[str]:
    """'major.minor' from ``nvcc --version`` output ('... release 13.0, V13.0.88'), else None."""
    m = re.search(r'release\s+(\d+)\.(\d+)', text or '')
    if not m:
        m = re.search(r'\bV(\d+)\.(\d+)\.\d+', text or '')
    return f'{m.group(1)}.{m.group(2)}' if m else None


def nvcc_version(nvcc: str, run: Optional[Callable[[Sequence[str]], str]] = None) -> Optional[str]:
    """Run ``nvcc --version``; 'major.minor' or None when it does not run."""
    if run is None:
        def run(cmd):
            return subprocess.run(cmd, capture_output=True, text=True, timeout=60,
                                  check=False).stdout
    try:
        return parse_nvcc_version(run([nvcc, '--version']))
    except (OSError, subprocess.SubprocessError):
        return None


#: Headers that torch's ATen/cuda/CUDAContext.h includes (mmcv's CUDA ops include it): a
#: toolkit with nvcc and cuda_runtime.h alone (like one made of the nvcc wheels only) fails.
TORCH_CUDA_HEADERS = ('cuda_runtime.h', 'cuda_runtime_api.h', 'cublas_v2.h', 'cublasLt.h',
                      'cusparse.h', 'cusolverDn.h')


def missing_headers(home: str, headers: Sequence[str] = TORCH_CUDA_HEADERS) -> List[str]:
    """Of ``headers``, those in neither home/include/ nor home/targets/*/include/."""
    root = Path(home)
    dirs = [root / 'include']
    if (root / 'targets').is_dir():
        dirs += [t / 'include' for t in sorted((root / 'targets').iterdir())]
    return [h for h in headers if not any((d / h).is_file() for d in dirs)]


@dataclass(frozen=True)
class SystemToolkit:
    home: str
    nvcc: str
    version: Optional[str]  # 'major.minor' from nvcc --version; None if it did not run
    missing: Tuple[str, ...] = ()  # of TORCH_CUDA_HEADERS

    @property
    def headers(self) -> bool:
        return not self.missing


def find_system_toolkit(env: Mapping[str, str],
                        which: Callable[[str], Optional[str]] = shutil.which,
                        run: Optional[Callable[[Sequence[str]], str]] = None,
                        default_homes: Sequence[str] = ('/usr/local/cuda',)
                        ) -> Optional[SystemToolkit]:
    """The first CUDA toolkit among $CUDA_HOME, $CUDA_PATH, the folder above the nvcc
    on PATH (symlinks resolved) and /usr/local/cuda that has bin/nvcc, preferring one
    that also has the headers (an nvcc wrapper in /usr/local/bin is no toolkit).
    None when there is no nvcc at all."""
    candidates: List[str] = []
    for key in ('CUDA_HOME', 'CUDA_PATH'):
        if env.get(key):
            candidates.append(env[key])
    on_path = which('nvcc')
    if on_path:
        candidates.append(str(Path(on_path).resolve().parent.parent))
        candidates.append(str(Path(on_path).parent.parent))
    candidates.extend(default_homes)
    seen, found = set(), []
    for home in candidates:
        home = os.path.normpath(home)
        if home in seen:
            continue
        seen.add(home)
        nvcc = os.path.join(home, 'bin', 'nvcc')
        if os.path.isfile(nvcc) and os.access(nvcc, os.X_OK):
            found.append(SystemToolkit(home, nvcc, nvcc_version(nvcc, run),
                                       tuple(missing_headers(home))))
    if not found:
        return None
    # The most complete one (stable: the earlier candidate wins a tie).
    return max(found, key=lambda tk: (tk.version is not None, not tk.missing,
                                      'cuda_runtime.h' not in tk.missing, -len(tk.missing)))


def arch_list(capabilities: Iterable[Tuple[int, int]]) -> str:
    """[(9, 0), (8, 6), (9, 0)] -> '8.6;9.0' (TORCH_CUDA_ARCH_LIST)."""
    return ';'.join(f'{a}.{b}' for a, b in sorted(set(tuple(c) for c in capabilities)))


def wheel_key(tag: str, arch: Optional[str]) -> str:
    """Cache key part for the mmcv wheel: 'cpu', or 'cu130-sm90' / 'cu130-sm86_90'
    (a wheel built for one GPU generation has no kernels for another)."""
    if tag == 'cpu' or not arch:
        return tag
    parts = [re.sub(r'[^0-9A-Za-z]', '', a) for a in re.split(r'[;\s,]+', arch) if a]
    return f"{tag}-sm{'_'.join(parts)}"


@dataclass
class Decision:
    mode: str  # 'cpu' | 'system' | 'pip'
    reason: str
    cuda: Optional[str] = None  # torch's CUDA 'major.minor'
    tag: str = 'cpu'
    cuda_home: Optional[str] = None  # system home, or where the pip one is assembled
    requirements: List[str] = field(default_factory=list)
    arch: Optional[str] = None
    warnings: List[str] = field(default_factory=list)

    def shell(self) -> str:
        """Shell assignments for install.sh (``eval``)."""
        values = {
            'MMSPORT_TC_MODE': self.mode, 'MMSPORT_TC_REASON': self.reason,
            'MMSPORT_TC_CUDA': self.cuda or '', 'CUDA_TAG': self.tag,
            'MMSPORT_TC_WHEEL_KEY': wheel_key(self.tag, self.arch),
            'MMSPORT_TC_CUDA_HOME': self.cuda_home or '',
            'MMSPORT_TC_REQS': ' '.join(self.requirements),
            'MMSPORT_TC_ARCH': self.arch or '',
            'MMSPORT_TC_WARNINGS': ' | '.join(self.warnings)}
        return ''.join(f'{k}={shlex.quote(v)}\n' for k, v in values.items())


def _flag(env: Mapping[str, str], key: str) -> bool:
    return env.get(key, '').strip().lower() in _TRUE


def decide(env: Mapping[str, str], *, torch_cuda: Optional[str], gpu: bool,
           capabilities: Sequence[Tuple[int, int]] = (),
           system: Optional[SystemToolkit] = None,
           pip_home: Optional[str] = None, cuda_toolkit: Optional[str] = None) -> Decision:
    """Which toolchain builds mmcv's ops. Pure: everything comes in as arguments.

    ``torch_cuda``: torch.version.cuda (None for a CPU build of torch); ``gpu``:
    torch.cuda.is_available(); ``capabilities``: of the visible GPUs;
    ``system``: :func:`find_system_toolkit`'s answer; ``pip_home``: where a pip
    toolchain would be assembled (install.sh: ``$VENV/cuda-<major.minor>``);
    ``cuda_toolkit``: the installed ``cuda-toolkit`` version (see :func:`nvcc_pip_requirements`).
    Raises ValueError for contradictory settings.
    """
    if _flag(env, 'MMSPORT_CPU_OPS'):
        return Decision('cpu', 'MMSPORT_CPU_OPS is set: CPU-only ops')
    if not torch_cuda:
        return Decision('cpu', 'torch is a CPU-only build (torch.version.cuda is None)')
    cuda = '%d.%d' % cuda_major_minor(torch_cuda)
    forced = _flag(env, 'MMSPORT_CUDA_OPS')
    if not gpu and not forced:
        return Decision('cpu', f'torch (CUDA {cuda}) sees no GPU; set MMSPORT_CUDA_OPS=1 '
                               'and TORCH_CUDA_ARCH_LIST to build CUDA ops anyway', cuda=cuda)
    preference = env.get('MMSPORT_NVCC', '').strip().lower() or 'auto'
    if preference not in ('auto', 'system', 'pip'):
        raise ValueError(f'MMSPORT_NVCC={preference!r}: expected auto, system or pip')
    arch = env.get('TORCH_CUDA_ARCH_LIST', '').strip() or arch_list(capabilities) or None
    if arch is None:
        raise ValueError('MMSPORT_CUDA_OPS=1 without a visible GPU needs TORCH_CUDA_ARCH_LIST '
                         '(e.g. "8.0;9.0")')
    why_gpu = 'GPU visible' if gpu else 'MMSPORT_CUDA_OPS=1'
    tag = cuda_tag(cuda)

    sys_note = 'no system nvcc (none in CUDA_HOME, CUDA_PATH, PATH or /usr/local/cuda)'
    if system is not None:
        if not system.version:
            sys_note = f'system nvcc {system.nvcc} does not run'
        elif not system.headers:
            sys_note = (f'system toolkit {system.home} lacks {", ".join(system.missing)} '
                        "(torch's CUDA headers include them)")
        elif system.version != cuda:
            sys_note = f'system nvcc {system.nvcc} is CUDA {system.version}, torch has {cuda}'
        else:
            sys_note = ''
    usable = system is not None and not sys_note

    if preference != 'pip' and usable:
        return Decision('system', f'{why_gpu}; system CUDA {cuda} toolkit at {system.home} '
                                  "matches torch's", cuda, tag, system.home, arch=arch)
    if preference == 'system':
        if system is not None and system.version and system.headers:
            return Decision('system', f'{why_gpu}; MMSPORT_NVCC=system: {system.home}', cuda, tag,
                            system.home, arch=arch, warnings=[
                                sys_note + '; torch allows a minor mismatch only'])
        return Decision('cpu', f'MMSPORT_NVCC=system but {sys_note}: CPU-only ops', cuda)
    requirements = nvcc_pip_requirements(cuda, cuda_toolkit)
    if requirements is None:
        return Decision('cpu', f'{why_gpu} but {sys_note}, and {no_pip_nvcc_reason(cuda)}: '
                               'CPU-only ops', cuda)
    why_pip = 'MMSPORT_NVCC=pip' if preference == 'pip' else sys_note
    nvcc_req = next(r for r in requirements if r.startswith('nvidia-cuda-nvcc'))
    return Decision('pip', f'{why_gpu}; {why_pip}: pip nvcc {nvcc_req}', cuda, tag,
                    pip_home, requirements, arch)


def check_cuda_home(home: Path, cuda: str,
                    run: Optional[Callable[[Sequence[str]], str]] = None) -> List[str]:
    """Problems that would stop torch.utils.cpp_extension building with ``home`` (empty: OK)."""
    home = Path(home)
    problems = []
    for rel in ('bin/nvcc', 'bin/nvcc.profile', 'nvvm/bin/cicc', 'lib64/libcudart.so'):
        if not (home / rel).exists():
            problems.append(f'missing {home / rel}')
    problems += [f'missing {home}/include/{h}' for h in missing_headers(str(home))]
    if not problems:
        found = nvcc_version(str(home / 'bin' / 'nvcc'), run)
        want = '%d.%d' % cuda_major_minor(cuda)
        if found != want:
            problems.append(f'{home}/bin/nvcc reports CUDA {found}, torch has {want}')
    return problems


# ------------------------------------------------------------------ command line

def installed_version(dist: str) -> Optional[str]:
    from importlib import metadata
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def probe_torch() -> Tuple[Optional[str], bool, List[Tuple[int, int]]]:
    """(torch.version.cuda, torch.cuda.is_available(), capabilities of the visible GPUs)."""
    import torch  # lazily: this module stays importable without torch
    cuda = torch.version.cuda
    gpu = bool(cuda) and torch.cuda.is_available()
    caps = [tuple(torch.cuda.get_device_capability(i)) for i in range(torch.cuda.device_count())] \
        if gpu else []
    return cuda, gpu, caps


def _parse_caps(text: str) -> List[Tuple[int, int]]:
    return [cuda_major_minor(c) for c in re.split(r'[;,\s]+', text) if c]


def plan(venv: str, *, torch_cuda: Optional[str] = None, gpu: Optional[bool] = None,
         capabilities: Optional[str] = None) -> int:
    """Print install.sh's shell assignments (which toolchain and why); returns 0, or 2 with
    the reason on stderr when no toolchain fits.

    Args:
        venv: the pip toolchain goes to ``<venv>/cuda-<major.minor>``.
        torch_cuda, gpu, capabilities: ``torch.version.cuda``, whether torch sees a GPU and
            the GPUs' capabilities (e.g. ``'9.0;8.6'``) instead of asking torch (testing);
            torch is asked when neither ``torch_cuda`` nor ``gpu`` is given.
    """
    if torch_cuda is not None or gpu is not None:
        cuda, gpu = torch_cuda or None, bool(gpu)
        caps = _parse_caps(capabilities or '')
    else:
        cuda, gpu, caps = probe_torch()
    pip_home = None
    if cuda:
        pip_home = os.path.join(os.path.abspath(venv), 'cuda-%d.%d' % cuda_major_minor(cuda))
    try:
        decision = decide(os.environ, torch_cuda=cuda, gpu=gpu, capabilities=caps,
                          system=find_system_toolkit(os.environ), pip_home=pip_home,
                          cuda_toolkit=installed_version('cuda-toolkit'))
    except ValueError as e:
        print(f'cuda_toolchain: {e}', file=sys.stderr)
        return 2
    sys.stdout.write(decision.shell())
    return 0


def assemble(cuda: str, dest: str) -> int:
    """Lay out a ``CUDA_HOME`` at ``dest`` from the installed pip packages of CUDA ``cuda``
    (``torch.version.cuda``) and print its path; returns 0, 2 when pip has no compiler for
    that CUDA, 1 when the packages are missing or the result is incomplete (stderr says)."""
    if nvcc_pip_requirements(cuda) is None:
        print(f'cuda_toolchain: {no_pip_nvcc_reason(cuda)}', file=sys.stderr)
        return 2
    try:
        roots = pip_toolkit_roots(CUDA13_TOOLKIT_DISTS, optional=CUDA13_HEADER_DISTS)
        home = assemble_cuda_home(roots, Path(dest).absolute())
    except OSError as e:
        print(f'cuda_toolchain: {e}', file=sys.stderr)
        return 1
    problems = check_cuda_home(home, cuda)
    if problems:
        print('cuda_toolchain: the assembled CUDA_HOME is incomplete:\n  ' + '\n  '.join(problems),
              file=sys.stderr)
        return 1
    print(home)
    return 0
