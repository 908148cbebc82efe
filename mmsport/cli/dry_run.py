"""Dry run of any config on generated data in its own layout.

    python tools/dry_run.py CONFIG [CONFIG ...] [--work-dir DIR] [--data-dir DIR]
        [--iters 2] [--device cpu|cuda|cuda:N] [--batch-size N] [--no-infer] [--json]

Generates data in the config's layout at the real data's resolution and frame rate (a
few seconds of video, a few crops or frames, label files in the same format), runs
``--iters`` training iterations, one validation pass and the task's inference on it,
and prints seconds per iteration, peak memory and the files written
(``--json``: the same as one JSON line after each summary). The work is done by
:func:`mmsport.testing.dry_run.dry_run`; what it changes in the config is printed as
notes. Several configs run one after another, each in its own process (its peak memory
is its own), in ``WORK_DIR/<config name>``; their generated sets are shared (kept in
``--data-dir``, default ``WORK_DIR/data``). Exit status 1 when a config fails (its step
failed, or its layout has no generator; the error names it), after the others ran.
"""
import argparse
import json
import os
import sys


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog='tools/dry_run.py', description=__doc__.split('\n')[0])
    p.add_argument('configs', nargs='+', metavar='CONFIG')
    p.add_argument('--work-dir', help='default: work_dirs/dry_run/<config name> (one config) '
                   'or work_dirs/dry_run (several)')
    p.add_argument('--data-dir', help='generated sets, kept and reused (default: '
                   'WORK_DIR/data)')
    p.add_argument('--iters', type=int, default=2, help='training iterations (default 2)')
    p.add_argument('--device', help="'cpu', 'cuda' or 'cuda:N' (default: a GPU when there "
                   'is one)')
    p.add_argument('--batch-size', type=int, help='training batch (default 1, or the least '
                   'the model trains with: 2 with a 1-d batch norm, two identities of a PK '
                   'sampler)')
    p.add_argument('--no-infer', dest='infer', action='store_false',
                   help='skip the inference step')
    p.add_argument('--json', action='store_true', help='also print each summary as JSON')
    a = p.parse_args(argv)
    if a.iters < 1:
        p.error(f'--iters must be >= 1, got {a.iters}')
    if a.batch_size is not None and a.batch_size < 1:
        p.error(f'--batch-size must be >= 1, got {a.batch_size}')
    return a


def main(argv=None) -> int:
    a = parse_args(argv)
    missing = [c for c in a.configs if not os.path.isfile(c)]
    if missing:
        print(f'error: {missing[0]}: no such config file', file=sys.stderr)
        return 2
    from mmsport.testing.dry_run import DryRunError, dry_run, dry_run_forked, format_summary
    stem = os.path.splitext(os.path.basename(a.configs[0]))[0]
    several = len(a.configs) > 1
    root = a.work_dir or os.path.join('work_dirs', 'dry_run', '' if several else stem)
    data_dir = a.data_dir or (os.path.join(root, 'data') if several else None)
    failed = []
    for config in a.configs:
        work_dir = os.path.join(root, os.path.splitext(os.path.basename(config))[0]) \
            if several else root
        run = dry_run_forked if several else dry_run
        try:
            res = run(config, work_dir, iters=a.iters, device=a.device, data_dir=data_dir,
                      batch_size=a.batch_size, infer=a.infer)
        except DryRunError as e:
            print(f'error: {e}', file=sys.stderr, flush=True)
            failed.append(config)
            continue
        print(format_summary(res), flush=True)
        if a.json:
            print(json.dumps(res, default=str), flush=True)
    if several:
        print(f'{len(a.configs) - len(failed)} of {len(a.configs)} configs dry-ran'
              + (f'; failed: {", ".join(failed)}' if failed else ''))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
