"""Distributed-launch helpers: let ``dist_train.sh CFG N`` run N CPU processes."""
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
