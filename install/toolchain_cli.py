"""Pick the CUDA toolchain for building mmcv's ops (used by install.sh, step 4).

    python -m install.toolchain_cli plan --venv .venv   # shell assignments, eval'd
    python -m install.toolchain_cli assemble --cuda 13.0 --dest .venv/cuda-13.0

``plan`` prints shell assignments (which toolchain and why; exit 2 when none fits);
``assemble`` lays out a ``CUDA_HOME`` from NVIDIA's pip compiler packages and prints its
path (exit 2 when pip has no compiler for that CUDA, 1 when the result is incomplete).
The work is done by :func:`install.cuda_toolchain.plan` and
:func:`install.cuda_toolchain.assemble` (see that module and docs/install.md).
Standard library only, like the module it calls: torch is imported by ``plan`` alone.
"""
import argparse
import os
import sys
from typing import Optional, Sequence


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog='python -m install.toolchain_cli',
                                     description=__doc__.split('\n\n')[0])
    sub = parser.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('plan', help='print shell assignments: which toolchain and why')
    p.add_argument('--venv', default=os.path.dirname(os.path.dirname(sys.executable)),
                   help='pip toolchain goes to <venv>/cuda-<major.minor>')
    p.add_argument('--torch-cuda', help='instead of asking torch (testing)')
    p.add_argument('--gpu', choices=('0', '1'), help='instead of asking torch (testing)')
    p.add_argument('--capabilities', default=None, help="e.g. '9.0;8.6' (testing)")
    a = sub.add_parser('assemble', help='lay out CUDA_HOME from the installed pip packages')
    a.add_argument('--cuda', required=True, help="torch.version.cuda, e.g. '13.0'")
    a.add_argument('--dest', required=True)
    args = parser.parse_args(argv)

    from install import cuda_toolchain as tc
    if args.cmd == 'plan':
        return tc.plan(args.venv, torch_cuda=args.torch_cuda,
                       gpu=None if args.gpu is None else args.gpu == '1',
                       capabilities=args.capabilities)
    return tc.assemble(args.cuda, args.dest)


if __name__ == '__main__':
    sys.exit(main())
