"""Train one config over several seeds and report each run's final metrics with
their mean, min and max, so anyone can re-check a README claim.

    python tools/train_seeds.py CONFIG [--seeds 0 1 2] [--metric mAP@1]
        [--work-dir DIR] [--deterministic] [--reuse-finished] [--cfg-options k=v ...]

(command line: :mod:`mmsport.cli.train_seeds`; in Python: :func:`run_seeds`).

Each seed is a separate training process (``python -m mmsport.cli.train``, what
``tools/train.py`` runs,
with ``randomness.seed=<s>`` and ``--work-dir <DIR>/seed<s>``), so one run cannot
leak state into the next. The final validation metrics are read back from the
run's ``vis_data/scalars.json`` (mmengine's ``LocalVisBackend``). The summary is
printed and written atomically to ``<DIR>/seeds.json``.

The sweep process itself trains nothing; each run is its own process. With
``--reuse-finished`` a seed whose work dir already holds the config's final
checkpoint (``last_checkpoint`` naming ``iter_<max_iters>.pth`` or
``epoch_<max_epochs>.pth``) and validation metrics is read back instead of
trained again, so a sweep can be extended or finished later.
"""
import glob
import json
import math
import os
import os.path as osp
import sys
from typing import Dict, List, Optional, Sequence

from mmsport.utils.interrupt import run_child_processes
from .launch import train_command as _train_argv
# keys mmengine logs next to the metrics of a validation epoch
_NOT_METRICS = {'step', 'iter', 'epoch', 'time', 'data_time', 'lr', 'loss', 'memory'}


def last_val_metrics(work_dir: str) -> Dict[str, float]:
    """The last validation record of the newest run under ``work_dir``.

    Args:
        work_dir: a ``tools/train.py`` work dir (``<work_dir>/<timestamp>/vis_data``).

    Returns:
        ``{metric: value}`` of the last record that carries no training key
        (``loss``, ``lr``); empty when the run never validated.
    """
    runs = sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))
    if not runs:
        return {}
    last = {}
    with open(runs[-1]) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f'{runs[-1]}: line {n} is not JSON ({e.msg})') from None
            if 'loss' in rec or 'lr' in rec:
                continue
            last = {k: float(v) for k, v in rec.items()
                    if k not in _NOT_METRICS and isinstance(v, (int, float))}
    return last


def expected_metric_names(config: str) -> Optional[List[str]]:
    """The metric names the config's ``val_evaluator`` reports, known before any training.

    Each metric of the evaluator is built and asked for its result on no samples
    (``compute_metrics([])``), with mmengine's ``prefix/`` added as the runner does.
    None when that cannot tell (a metric that needs samples to name its keys): the
    name is then checked after the first run, as before.
    """
    from mmengine.config import Config
    from mmengine.logging import MMLogger
    from mmengine.registry import init_default_scope

    import mmsport  # noqa: F401  (registries)
    from mmsport.registry import METRICS
    if not osp.isfile(config):
        return None
    cfg = Config.fromfile(config)
    init_default_scope(cfg.get('default_scope', 'mmsport'))
    evaluators = cfg.get('val_evaluator')
    if evaluators is None:
        return None
    if isinstance(evaluators, dict) and 'metrics' in evaluators:  # an Evaluator config
        evaluators = evaluators['metrics']
    names = []
    logger = MMLogger.get_current_instance()
    level = logger.level
    logger.setLevel('ERROR')  # "no results" warnings of the empty evaluation
    try:
        for metric_cfg in (evaluators if isinstance(evaluators, (list, tuple)) else [evaluators]):
            metric = METRICS.build(metric_cfg)
            keys = metric.compute_metrics([])
            if not isinstance(keys, dict) or not keys:
                return None
            prefix = getattr(metric, 'prefix', None)
            names += [f'{prefix}/{k}' if prefix else k for k in keys]
    except Exception:  # a metric that cannot evaluate nothing: check after the first run
        return None
    finally:
        logger.setLevel(level)
    return names


def check_metric_name(config: str, metric: Optional[str]) -> None:
    """Raise ``ValueError`` (naming the close matches) when ``metric`` is not one the
    config's evaluator reports; do nothing when that cannot be known before training."""
    if metric is None:
        return
    names = expected_metric_names(config)
    if names is None or metric in names:
        return
    import difflib
    close = difflib.get_close_matches(metric, names, n=3, cutoff=0.5)
    hint = f'; did you mean {" or ".join(repr(c) for c in close)}?' if close else ''
    raise ValueError(f'{config}: its val_evaluator does not report --metric {metric!r} '
                     f'(it reports {names}){hint}')


def summarize(values: Sequence[float]) -> Dict[str, float]:
    """``mean``, ``min``, ``max`` and sample ``std`` (0 for one value) of ``values``."""
    vals = [float(v) for v in values]
    if not vals:
        raise ValueError('no values to summarize')
    mean = sum(vals) / len(vals)
    std = math.sqrt(sum((v - mean) ** 2 for v in vals) / (len(vals) - 1)) if len(vals) > 1 \
        else 0.0
    return dict(mean=mean, min=min(vals), max=max(vals), std=std, n=len(vals))


def final_checkpoint_name(config: str, cfg_options: Sequence[str] = ()) -> str:
    """``iter_<max_iters>.pth`` or ``epoch_<max_epochs>.pth`` of a config's schedule."""
    from mmengine.config import Config

    from mmsport.utils.cfg_options import parse_cfg_options
    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(parse_cfg_options(cfg_options))
    train_cfg = cfg.get('train_cfg') or {}
    if train_cfg.get('max_iters') is not None and not train_cfg.get('by_epoch', False):
        return f'iter_{train_cfg["max_iters"]}.pth'
    if train_cfg.get('max_epochs') is not None:
        return f'epoch_{train_cfg["max_epochs"]}.pth'
    raise ValueError(f'{config}: train_cfg has neither max_iters nor max_epochs')


def finished_run_metrics(work_dir: str, final_name: str) -> Dict[str, float]:
    """A finished run's final validation metrics, or {} if the run did not finish.

    Finished: ``<work_dir>/last_checkpoint`` names ``final_name`` and that file exists,
    and the newest run logged validation metrics.
    """
    marker = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(marker):
        return {}
    with open(marker) as f:
        ckpt = f.read().strip()
    if osp.basename(ckpt) != final_name or not osp.isfile(osp.join(work_dir, final_name)):
        return {}
    return last_val_metrics(work_dir)


def train_command(config: str, seed: int, work_dir: str, deterministic: bool = False,
                  cfg_options: Sequence[str] = ()) -> List[str]:
    """The training command line of one seed (``python -m mmsport.cli.train``)."""
    opts = [f'randomness.seed={seed}'] + list(cfg_options)
    if deterministic:
        opts.append('randomness.deterministic=True')
    return _train_argv(config, work_dir, extra=['--cfg-options', *opts])


def run_seeds(config: str, seeds: Sequence[int], work_root: str,
              metric: Optional[str] = None, deterministic: bool = False,
              cfg_options: Sequence[str] = (), command=train_command,
              reuse_finished: bool = False) -> dict:
    """Train ``config`` once per seed and summarize the final validation metrics.

    Args:
        config: config file.
        seeds: one run each, in ``<work_root>/seed<s>``.
        work_root: parent of the runs; ``seeds.json`` is written there.
        metric: the headline metric (must be reported by every run); None
            summarizes every metric the runs share.
        command: ``(config, seed, work_dir, deterministic, cfg_options) -> argv``.
        reuse_finished: read back a seed whose run already finished
            (:func:`finished_run_metrics`) instead of training it again.

    Returns:
        ``dict(config, seeds, runs={seed: metrics}, failed=[seeds], summary={metric: stats})``.

    Raises:
        ValueError: ``metric`` is not one the config's evaluator reports (checked before
            any training where the evaluator can tell, :func:`check_metric_name`).
    """
    check_metric_name(config, metric)  # a typo stops here, not after the first training
    runs, failed = {}, []
    final_name = final_checkpoint_name(config, cfg_options) if reuse_finished else None
    for i, seed in enumerate(seeds):
        wd = osp.join(work_root, f'seed{seed}')
        done = finished_run_metrics(wd, final_name) if reuse_finished else {}
        if done and (metric is None or metric in done):
            print(f'[seeds] {i + 1}/{len(seeds)}: seed {seed} finished earlier in {wd} '
                  f'({final_name}); reused', flush=True)
            runs[seed] = done
            continue
        print(f'[seeds] {i + 1}/{len(seeds)}: seed {seed} -> {wd}', flush=True)
        rc = run_child_processes([command(config, seed, wd, deterministic, cfg_options)])[0]
        metrics = last_val_metrics(wd) if rc == 0 else {}
        if rc != 0 or not metrics:
            why = f'exit code {rc}' if rc != 0 else 'no validation metrics in its scalars.json'
            print(f'[seeds] seed {seed} failed: {why}', flush=True)
            failed.append(seed)
            continue
        if metric is not None and metric not in metrics:
            raise KeyError(f'{wd}: the run reported {sorted(metrics)}, not {metric!r}')
        runs[seed] = metrics
    if not runs:  # every seed failed: nothing to summarize
        keys = []
    elif metric is not None:
        keys = [metric]
    else:
        keys = sorted(set.intersection(*(set(m) for m in runs.values())))
    summary = {k: summarize([m[k] for m in runs.values()]) for k in keys}
    result = dict(config=config, seeds=list(seeds), runs=runs, failed=failed, summary=summary)
    os.makedirs(work_root, exist_ok=True)
    path = osp.join(work_root, 'seeds.json')
    with open(path + '.part', 'w') as f:
        json.dump(result, f, indent=1)
    os.replace(path + '.part', path)
    return result


def format_summary(result: dict) -> str:
    """One line per seed and one mean / min / max line per metric."""
    lines = []
    for k, st in result['summary'].items():
        per_seed = ', '.join(f'seed {s}: {m[k]:.4f}' for s, m in result['runs'].items())
        lines.append(f'{k}: {per_seed}')
        lines.append(f'{k}: mean {st["mean"]:.4f}, min {st["min"]:.4f}, max {st["max"]:.4f}, '
                     f'std {st["std"]:.4f} over {st["n"]} run(s)')
    if result['failed']:
        lines.append(f'failed seeds: {result["failed"]}')
    return '\n'.join(lines)

