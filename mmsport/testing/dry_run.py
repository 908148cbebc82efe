"""Dry run of a config: its own data layout, generated; 2 training iterations, one
validation pass and the task's inference, with seconds per iteration and peak memory.

    >>> from mmsport.testing.dry_run import dry_run, format_summary
    >>> cfg = 'configs/reid/arcface-triplet_r18_adamw-12e_atmacup22-224x224_stage1-side.py'
    >>> res = dry_run(cfg, '/tmp/dryrun_reid', device='cpu')
    >>> print(format_summary(res))

Steps (the command line is ``tools/dry_run.py``, :mod:`mmsport.cli.dry_run`):

1. :func:`mmsport.testing.dry_run_data.plan` generates the config's layout (a few seconds
   of video, a few crops or frames, label files in the same format, at the real data's
   resolution and frame rate) and points the config at it: ``iters`` training iterations
   at a small batch (validation batches no larger), no dataloader workers. The size of an
   item (frames, resolution, window) is the config's.
2. A ``load_from`` that does not exist (an earlier stage's checkpoint) becomes a
   checkpoint of the config's own freshly initialised model.
3. mmengine's ``Runner`` trains (the config's loop, hooks, schedulers) and validates once.
4. The task's inferencer (``TASK_INFERENCERS``, as ``tools/inference.py`` dispatches)
   runs the saved checkpoint on one generated input. A model without an inferencer (a
   self-supervised pretraining stage, whose output is a checkpoint) skips this step.

Timing: each iteration's wall time (data loading included) and this process's CPU time
(``time.process_time``, all threads: less sensitive than wall time to other jobs on the
machine), the first one apart (it builds caches and warms up); ``seconds_per_iter`` and
``cpu_seconds_per_iter`` are the means of the others. Memory: this process's peak resident
set (``resource.getrusage``: for a process that ran other things first, the peak so far;
:func:`dry_run_forked` runs a dry run in a process of its own) and, on a GPU,
``torch.cuda.max_memory_allocated``.
"""
import copy
import os
import os.path as osp
import resource
import sys
import time
from contextlib import contextmanager
from typing import Optional

from mmengine.config import Config
from mmengine.hooks import Hook

from .dry_run_data import DryRunError, DryRunPlan, plan

__all__ = ['DryRunError', 'dry_run', 'dry_run_forked', 'format_summary']


class _Stopwatch(Hook):
    """Wall and CPU time (this process, all threads) of every training iteration (data
    loading included) and of the validation."""

    priority = 'VERY_LOW'

    def __init__(self):
        self.iter_seconds, self.iter_cpu_seconds, self.data_seconds = [], [], []
        self.val_seconds = self.val_cpu_seconds = self.val_metrics = None
        self.train_peak_rss_mb = self.val_peak_rss_mb = self.train_peak_cuda_mb = None
        self._t = self._val_t = None

    @staticmethod
    def _now():
        return time.perf_counter(), time.process_time()

    def before_train_epoch(self, runner) -> None:
        self._t = self._now()

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        if self._t is None:
            self._t = self._now()
        self.data_seconds.append(time.perf_counter() - self._t[0])

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        now = self._now()
        self.iter_seconds.append(now[0] - self._t[0])
        self.iter_cpu_seconds.append(now[1] - self._t[1])
        self._t = now
        self.train_peak_rss_mb = _peak_rss_mb()  # the peak so far: training's
        import torch
        if torch.cuda.is_available() and torch.cuda.is_initialized():
            self.train_peak_cuda_mb = torch.cuda.max_memory_allocated() / 2**20

    def before_val_epoch(self, runner) -> None:
        self._val_t = self._now()

    def after_val_epoch(self, runner, metrics=None) -> None:
        now = self._now()
        self.val_seconds = now[0] - self._val_t[0]
        self.val_cpu_seconds = now[1] - self._val_t[1]
        self.val_peak_rss_mb = _peak_rss_mb()
        self.val_metrics = {k: float(v) for k, v in (metrics or {}).items()
                            if isinstance(v, (int, float))}


@contextmanager
def _runner_device(device: Optional[str]):
    """The runner puts the model on ``mmengine.device.get_device()``; ``device='cpu'``
    keeps it on the CPU where a GPU is present, ``'cuda:N'`` selects GPU N."""
    import mmengine.runner.runner as runner_module
    import torch
    if device is None:
        yield
        return
    kind = torch.device(device).type
    if kind == 'cuda':
        if not torch.cuda.is_available():
            raise DryRunError(f'device {device!r}: no CUDA device here')
        if torch.device(device).index is not None:
            torch.cuda.set_device(torch.device(device))
    saved = runner_module.get_device
    if kind != saved():
        runner_module.get_device = lambda: kind
    try:
        yield
    finally:
        runner_module.get_device = saved


def _rss_now_mb() -> Optional[float]:
    """This process's resident set now (Linux ``/proc``; None elsewhere)."""
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return peak / (1024 * 1024) if sys.platform == 'darwin' else peak / 1024


def _fresh_checkpoint(cfg: Config, path: str) -> str:
    """A checkpoint of ``cfg``'s model, freshly initialised (``init_weights``)."""
    from mmengine.registry import init_default_scope
    from mmengine.runner import save_checkpoint

    from mmsport.registry import MODELS
    init_default_scope(cfg.get('default_scope', 'mmsport'))
    model = MODELS.build(cfg.model)
    if hasattr(model, 'init_weights'):
        model.init_weights()
    os.makedirs(osp.dirname(path), exist_ok=True)
    save_checkpoint(dict(state_dict=model.state_dict(), meta=dict(dry_run=True)), path)
    return path


def _last_checkpoint(work_dir: str) -> Optional[str]:
    path = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(path):
        return None
    with open(path) as f:
        return f.read().strip() or None


def _reid_gallery(cfg_path: str, ckpt: str, p: DryRunPlan, device: str, out: str) -> str:
    """``gallery.npz`` as ``tools/reid/inference_cv.py`` writes it: the centroids of up
    to two training crops per identity, the config's open-set threshold."""
    import numpy as np

    from mmsport.apis import extract_embeddings, init_model, save_gallery
    from mmsport.evaluation.functional.reid import gallery_centroids
    paths, labels, threshold = p.gallery
    picked, seen = [], {}
    for path, lab in zip(paths, labels):
        if seen.get(lab, 0) < 2:
            seen[lab] = seen.get(lab, 0) + 1
            picked.append((path, lab))
    model = init_model(cfg_path, ckpt, device=device)
    emb = extract_embeddings(model, [q for q, _ in picked], batch_size=8, progress=False)
    ids, cents = gallery_centroids(emb, np.array([lab for _, lab in picked]))
    path = osp.join(out, 'gallery.npz')
    save_gallery(path, cents, ids, threshold)
    return path


def _steady(seconds):
    """Mean of the iterations after the first (the first alone when it is the only one)."""
    if not seconds:
        return None
    rest = seconds[1:] or seconds
    return sum(rest) / len(rest)


def _files_under(folder: str):
    if not osp.isdir(folder):
        return []
    return sorted(osp.join(r, n) for r, _, names in os.walk(folder) for n in names)


def dry_run(config, work_dir: str, *, iters: int = 2, device: Optional[str] = None,
            data_dir: Optional[str] = None, batch_size: Optional[int] = None,
            infer: bool = True) -> dict:
    """Dry-run a config (module docstring) and return what it measured.

    Args:
        config: config path or Config.
        work_dir: the run's folder (``train/``, ``inference/``, ``data/`` unless
            ``data_dir``); the config is written to ``work_dir/config.py``.
        iters: training iterations.
        device: ``'cpu'``, ``'cuda'``, ``'cuda:N'``; None: mmengine's choice (a GPU
            when there is one).
        data_dir: where generated sets are cached and reused (default
            ``work_dir/data``): pass one folder to several dry runs to generate once.
        batch_size: training batch (default 1, or the least the model trains with:
            :func:`mmsport.testing.dry_run_data.train_batch_size`).
        infer: run the task's inference after training.

    Returns:
        dict: ``config``, ``layout``, ``task``, ``device``, ``train_batch_size``,
        ``config_batch_size``, ``iter_seconds`` (list), ``first_iter_seconds``,
        ``seconds_per_iter``, ``iter_cpu_seconds`` (list), ``cpu_seconds_per_iter``,
        ``data_seconds`` (list), ``val_seconds`` and ``val_cpu_seconds`` (None without
        validation), ``val_metrics``, ``infer_seconds``, ``infer_cpu_seconds``,
        ``peak_rss_mb``,
        ``rss_before_train_mb`` (after the data were made, before the runner),
        ``train_peak_rss_mb`` and ``val_peak_rss_mb`` (the peak at the end of training,
        and of validation),
        ``params``, ``trainable_params``, ``peak_cuda_mb`` and ``train_peak_cuda_mb``
        (``torch.cuda.max_memory_allocated``, over the run and at the end of training;
        None on a CPU),
        ``checkpoint``, ``outputs`` (inference files),
        ``files`` (everything the run wrote outside the data), ``notes``,
        ``total_seconds``, ``data_root``.

    Raises:
        DryRunError: a layout without a generator, or a failed step (names the config).
    """
    import torch
    from mmengine.runner import Runner
    t_start = time.perf_counter()
    name = config if isinstance(config, str) else (config.filename or 'the config')
    cfg = Config.fromfile(config) if isinstance(config, str) else copy.deepcopy(config)
    work_dir = osp.abspath(work_dir)
    os.makedirs(work_dir, exist_ok=True)
    config_batch = (cfg.get('train_dataloader') or {}).get('batch_size')
    p = plan(cfg, work_dir=work_dir, data_dir=data_dir, iters=iters, batch_size=batch_size,
             name=name)
    if cfg.get('load_from') and not osp.isfile(cfg.load_from):
        cfg.load_from = _fresh_checkpoint(cfg, osp.join(work_dir, 'fresh_init.pth'))
    cfg_path = osp.join(work_dir, 'config.py')
    cfg.dump(cfg_path)
    from mmsport.apis.inferencers import task_of
    task = task_of(cfg)  # None: no inferencer (e.g. a self-supervised stage)
    watch = _Stopwatch()
    rss_before = _rss_now_mb()
    cuda = torch.cuda.is_available() and (device is None or device.startswith('cuda'))
    with _runner_device(device):
        if cuda:
            torch.cuda.reset_peak_memory_stats()
        try:
            runner = Runner.from_cfg(cfg)
            runner.register_hook(watch)
            runner.train()
        except Exception as e:
            raise DryRunError(f'{name}: training failed: {type(e).__name__}: {e}') from e
        run_device = str(next(runner.model.parameters()).device)
        params = sum(w.numel() for w in runner.model.parameters())
        trainable = sum(w.numel() for w in runner.model.parameters() if w.requires_grad)
    ckpt = _last_checkpoint(cfg.work_dir)
    if ckpt is None:
        raise DryRunError(f'{name}: training wrote no checkpoint in {cfg.work_dir}')
    out_dir = osp.join(work_dir, 'inference')
    infer_seconds = infer_cpu_seconds = None
    outputs = []
    if infer and task is not None:
        from mmsport.apis import MMSportInferencer
        t0, c0 = time.perf_counter(), time.process_time()
        kwargs = dict(p.infer_kwargs)
        if p.gallery is not None:
            os.makedirs(out_dir, exist_ok=True)
            kwargs['gallery'] = _reid_gallery(cfg_path, ckpt, p, run_device, out_dir)
        try:
            inferencer = MMSportInferencer(cfg_path, ckpt, device=run_device,
                                           show_progress=False, **kwargs)
            preds = inferencer(p.inputs, out_dir=out_dir)['predictions']
        except Exception as e:
            raise DryRunError(f'{name}: {task} inference failed: {type(e).__name__}: '
                              f'{e}') from e
        errors = [r.get('error') for r in preds if isinstance(r, dict) and r.get('error')]
        if errors:
            raise DryRunError(f'{name}: {task} inference failed: {errors[0]}')
        infer_seconds = time.perf_counter() - t0
        infer_cpu_seconds = time.process_time() - c0
        outputs = _files_under(out_dir)
    elif infer:
        p.notes.append('no inference: the model has no task inferencer (a pretraining '
                       'stage; its output is the checkpoint)')
    its, cpu = watch.iter_seconds, watch.iter_cpu_seconds
    return dict(
        config=name, layout=p.layout, task=task, device=run_device, data_root=p.data_root,
        train_batch_size=cfg.train_dataloader.batch_size, config_batch_size=config_batch,
        iter_seconds=its, first_iter_seconds=its[0] if its else None,
        seconds_per_iter=_steady(its),
        iter_cpu_seconds=cpu, cpu_seconds_per_iter=_steady(cpu),
        data_seconds=watch.data_seconds, val_seconds=watch.val_seconds,
        val_cpu_seconds=watch.val_cpu_seconds, val_metrics=watch.val_metrics,
        infer_seconds=infer_seconds, infer_cpu_seconds=infer_cpu_seconds,
        peak_rss_mb=_peak_rss_mb(), rss_before_train_mb=rss_before,
        train_peak_rss_mb=watch.train_peak_rss_mb, val_peak_rss_mb=watch.val_peak_rss_mb,
        params=params, trainable_params=trainable,
        peak_cuda_mb=torch.cuda.max_memory_allocated() / 2**20 if cuda else None,
        train_peak_cuda_mb=watch.train_peak_cuda_mb,
        checkpoint=ckpt, outputs=outputs,
        files=[f for f in _files_under(work_dir) if not f.startswith(p.data_root + os.sep)
               and not f.startswith(osp.join(work_dir, 'data') + os.sep)],
        notes=p.notes, total_seconds=time.perf_counter() - t_start)


# imported once by the fork server (not run: importing starts no thread pool)
_PRELOAD = (__name__, 'mmsport.apis.inferencers', 'mmaction.models', 'mmaction.datasets',
            'mmdet.models', 'mmdet.datasets', 'mmpretrain.models', 'mmpretrain.datasets')


def _dry_run_child(config: str, work_dir: str, kwargs: dict, send) -> None:
    """Body of :func:`dry_run_forked`'s child: the summary (or the error) down ``send``."""
    try:
        res = dry_run(config, work_dir, **kwargs)
    except DryRunError as e:
        res = dict(error=str(e))
    except BaseException as e:  # noqa: BLE001  (reported by the parent, naming the config)
        res = dict(error=f'{config}: {type(e).__name__}: {e}')
    send.send(res)
    send.close()


def dry_run_forked(config: str, work_dir: str, **kwargs) -> dict:
    """:func:`dry_run` in a child process, so that its peak memory is its own and several
    dry runs in one process do not add up; the keyword arguments are :func:`dry_run`'s.

    The child is forked from a fresh server process (multiprocessing's ``forkserver``), not
    from this one: a process whose PyTorch / OpenMP thread pool has run is not safe to fork
    (the child can crash in its first parallel operation). The child is not a daemon: data
    generators may start processes of their own.

    Raises:
        DryRunError: the dry run failed, or its process died (names the config).
    """
    import multiprocessing
    ctx = multiprocessing.get_context('forkserver')
    ctx.set_forkserver_preload(list(_PRELOAD))  # each child starts with the imports done
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_dry_run_child, args=(config, work_dir, kwargs, send))
    proc.start()
    send.close()
    try:
        res = recv.recv()
    except EOFError:
        res = None
    finally:
        proc.join()
        recv.close()
    if res is None:
        raise DryRunError(f'{config}: the dry run process died (exit code {proc.exitcode})')
    if 'error' in res:
        raise DryRunError(res['error'])
    return res


def _metrics(metrics, limit: int = 4) -> str:
    if not metrics:
        return ''
    items = list(metrics.items())
    more = f', ... ({len(items)} in all)' if len(items) > limit else ''
    return ' (' + ', '.join(f'{k}: {v:.4g}' for k, v in items[:limit]) + more + ')'


def format_summary(res: dict) -> str:
    """The dry run's report as text: timings, memory, notes and the files written."""
    def s(v):
        return '-' if v is None else f'{v:.2f} s'
    lines = [f"dry run of {res['config']}",
             f"  layout {res['layout']}, task {res['task'] or '-'}, device {res['device']}, "
             f"data {res['data_root']}",
             f"  training: {len(res['iter_seconds'])} iterations at batch "
             f"{res['train_batch_size']} (config: {res['config_batch_size']}): "
             f"{s(res['seconds_per_iter'])} per iteration, CPU time "
             f"{s(res['cpu_seconds_per_iter'])} (first {s(res['first_iter_seconds'])}; "
             f"each: {', '.join(f'{t:.2f}' for t in res['iter_seconds'])} s; data loading: "
             f"{', '.join(f'{t:.2f}' for t in res['data_seconds'])} s)",
             f"  validation: {s(res['val_seconds'])}, CPU time {s(res['val_cpu_seconds'])}"
             + _metrics(res['val_metrics']),
             f"  inference: {s(res['infer_seconds'])}, CPU time {s(res['infer_cpu_seconds'])}",
             f"  model: {res['params'] / 1e6:.2f} M parameters "
             f"({res['trainable_params'] / 1e6:.2f} M trained)",
             f"  peak memory: {res['peak_rss_mb']:.0f} MB resident ("
             + (f"{res['rss_before_train_mb']:.0f} MB before training, "
                if res['rss_before_train_mb'] else '')
             + f"{res['train_peak_rss_mb']:.0f} MB at the end of training)"
             + (f"; CUDA allocated: {res['peak_cuda_mb']:.0f} MB ("
                f"{res['train_peak_cuda_mb'] or 0:.0f} MB at the end of training)"
                if res['peak_cuda_mb'] is not None else ''),
             f"  total {res['total_seconds']:.1f} s"]
    lines += [f'  note: {n}' for n in res['notes']]
    lines.append(f"  checkpoint: {res['checkpoint']}")
    lines += [f'  output: {f}' for f in res['outputs']]
    lines.append(f"  {len(res['files'])} files written under "
                 f"{osp.dirname(osp.dirname(res['checkpoint']))}")
    return '\n'.join(lines)
