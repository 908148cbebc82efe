"""Command lines of the installed package's entry points, for runners that start them.

Seed sweeps and cross-validation train each run in its own process. They start
``python -m mmsport.cli.<command>`` (and torch's ``torch.distributed.run -m``
for several processes) with the interpreter running them, so they work from an
installed package, from any working directory, without a git checkout or its
``tools/`` scripts. Relative paths are read from the caller's working directory.
"""
import os
import subprocess
import sys
from typing import Dict, List, Optional, Sequence


def cli_command(command: str, *args: str) -> List[str]:
    """``python -m mmsport.cli.<command> ARGS`` as an argv list."""
    return [sys.executable, '-m', f'mmsport.cli.{command}', *map(str, args)]


def train_command(config: str, work_dir: str, *, gpus: int = 1,
                  extra: Sequence[str] = (), master_port: Optional[int] = None) -> List[str]:
    """The argv that trains ``config`` into ``work_dir``.

    One process: ``python -m mmsport.cli.train``; ``gpus > 1``: the same module under
    ``python -m torch.distributed.run --nproc_per_node gpus`` with ``--launcher pytorch``
    (what ``tools/dist_train.sh`` runs; gloo on a CPU). ``extra``: more train options.
    """
    args = [config, '--work-dir', work_dir, *map(str, extra)]
    if int(gpus) <= 1:
        return cli_command('train', *args)
    port = master_port or int(os.environ.get('PORT', 29500))
    return [sys.executable, '-m', 'torch.distributed.run', f'--nproc_per_node={int(gpus)}',
            f'--master_port={port}', '-m', 'mmsport.cli.train', *args, '--launcher', 'pytorch']


def run_command(cmd: Sequence[str], env: Optional[Dict[str, str]] = None) -> int:
    """Echo ``cmd`` (quoted where it has spaces) and run it; returns its exit status."""
    print('+', ' '.join(f'"{c}"' if ' ' in c else c for c in cmd), flush=True)
    return subprocess.run(list(cmd), env=env).returncode
