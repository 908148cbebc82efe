"""Train a config over several seeds; print each run's metric and mean / min / max.

    python tools/train_seeds.py CONFIG [--seeds 0 1 2] [--metric mAP@1] [--work-dir DIR]
        [--deterministic] [--cfg-options k=v ...]

See :mod:`mmsport.cli.train_seeds` (the work: :mod:`mmsport.apis.seed_sweep`).
"""
import sys

from mmsport.cli.train_seeds import main

if __name__ == '__main__':
    sys.exit(main())
