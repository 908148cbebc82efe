"""Train one config over several seeds and report each run's final metrics with
their mean, min and max, so anyone can re-check a README claim.

    python tools/train_seeds.py CONFIG [--seeds 0 1 2] [--metric mAP@1]
        [--work-dir DIR] [--deterministic] [--reuse-finished] [--cfg-options k=v ...]

Each seed is a separate ``tools/train.py`` process; the summary is printed and written
to ``<DIR>/seeds.json``. The work is done by :func:`mmsport.apis.seed_sweep.run_seeds`
(its module docstring describes the runs and ``--reuse-finished``). Exit status: 0, 1
when a seed failed, 2 for a missing config, 130 when interrupted.
"""
import argparse
import os.path as osp
import sys


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('config')
    p.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    p.add_argument('--metric', help='headline metric (default: every metric the runs share)')
    p.add_argument('--work-dir', help='default: work_dirs/<config name>_seeds')
    p.add_argument('--deterministic', action='store_true',
                   help='randomness.deterministic=True in every run')
    p.add_argument('--reuse-finished', action='store_true',
                   help="read back seeds whose run already finished (the config's final "
                        'checkpoint and validation metrics in <work-dir>/seed<s>)')
    p.add_argument('--cfg-options', nargs='+', default=[], help='passed to each run')
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    from mmsport.apis.seed_sweep import format_summary, run_seeds
    if not osp.isfile(args.config):
        print(f'{args.config}: no such config file', file=sys.stderr)
        return 2
    root = args.work_dir or osp.join(
        'work_dirs', osp.splitext(osp.basename(args.config))[0] + '_seeds')
    try:
        result = run_seeds(args.config, args.seeds, root, metric=args.metric,
                           deterministic=args.deterministic, cfg_options=args.cfg_options,
                           reuse_finished=args.reuse_finished)
    except KeyboardInterrupt:
        print('[seeds] interrupted', file=sys.stderr)
        return 130
    except ValueError as e:  # e.g. a --metric the config's evaluator does not report
        print(f'error: {e}', file=sys.stderr)
        return 2
    print(format_summary(result))
    print(f'[seeds] written {osp.join(root, "seeds.json")}')
    return 1 if result['failed'] else 0


if __name__ == '__main__':
    sys.exit(main())
