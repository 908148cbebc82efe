"""Distributed-launch helpers: let ``dist_train.sh CFG N`` run N CPU processes, and
end every rank's process group before the interpreter exits."""
import contextlib
import os

import torch
import torch.distributed as torch_dist
from mmengine.config import Config


def configure_dist_backend(cfg: Config) -> Config:
    """Prepare ``cfg`` (and the process group) for a launch without GPUs.

    With a GPU this only fills in nothing. Without one:

    * the backend becomes ``gloo`` (unless a non-nccl one is configured);
    * under ``--launcher pytorch`` the process group is initialised here,
      because mmengine's ``init_dist`` calls ``torch.cuda.set_device`` first
      (the Runner skips ``init_dist`` when a group already exists);
    * the DDP wrapper gets ``device_ids=None``, as DDP requires for CPU modules.
    """
    env = cfg.setdefault('env_cfg', {})
    dist = env.setdefault('dist_cfg', {})
    if torch.cuda.is_available():
        return cfg
    if dist.get('backend', 'nccl') == 'nccl':
        dist['backend'] = 'gloo'
    launcher = cfg.get('launcher', 'none')
    if launcher == 'none':
        return cfg
    if launcher == 'pytorch' and not torch_dist.is_initialized():
        torch_dist.init_process_group(backend=dist['backend'],
                                      rank=int(os.environ['RANK']),
                                      world_size=int(os.environ['WORLD_SIZE']))
    wrapper = dict(cfg.get('model_wrapper_cfg') or dict(type='MMDistributedDataParallel'))
    wrapper.setdefault('device_ids', None)
    wrapper.setdefault('broadcast_buffers', False)
    cfg.model_wrapper_cfg = wrapper
    return cfg


def shutdown_dist(barrier: bool = True) -> None:
    """Destroy the default process group, if one is initialised (all ranks, once).

    A gloo process group left alive until interpreter exit is torn down while
    Python finalises modules; when one rank gets there first, the other rank's
    gloo threads see the closed connection and the C++ runtime aborts
    (``terminate called without an active exception``, SIGABRT), so torchrun
    reports a finished run as failed. Ranks first wait for each other
    (``barrier``), then destroy the group in an orderly way.

    Args:
        barrier: wait for every rank first (use False on an error path, where
            another rank may never arrive).
    """
    if not (torch_dist.is_available() and torch_dist.is_initialized()):
        return
    try:
        if barrier:
            torch_dist.barrier()
    finally:
        torch_dist.destroy_process_group()


@contextlib.contextmanager
def dist_session():
    """Run a training or test body, then shut the process group down on every rank.

    On success the ranks meet at a barrier before the group is destroyed; on an
    exception (including Ctrl-C) the group is destroyed without waiting, and the
    exception propagates.
    """
    try:
        yield
    except BaseException:
        shutdown_dist(barrier=False)
        raise
    shutdown_dist(barrier=True)
