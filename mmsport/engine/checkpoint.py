"""Loading trained weights into a model, with an error when they do not fit it.

mmengine's ``load_checkpoint`` is lenient by default: weights of another task or
another width load with every key missing (a warning only), and the untrained model
then writes outputs. :func:`load_weights` checks that the file's keys and shapes
cover the model before loading, and names the file and the keys when they do not.
A partial load (fine-tuning from a backbone) is an explicit ``allow_partial=True``.
"""
import re
from typing import List, Optional

import torch.nn as nn


class CheckpointMismatchError(RuntimeError):
    """Weights that cannot be read, or whose keys / shapes do not match the model."""


def _short(keys: List[str], limit: int = 6) -> str:
    head = ', '.join(keys[:limit])
    return head + (f', ... ({len(keys)} in all)' if len(keys) > limit else '')


def read_state_dict(checkpoint: str) -> dict:
    """The ``state_dict`` of a checkpoint file (a plain state dict is accepted too).

    Raises:
        CheckpointMismatchError: a file that is missing, a folder, truncated or not
            a torch checkpoint (naming the file).
    """
    import os.path as osp

    from mmengine.runner.checkpoint import _load_checkpoint

    import mmsport.registry  # noqa: F401  (allow-lists mmengine's types in checkpoints)
    if '://' not in checkpoint:
        if osp.isdir(checkpoint):
            raise CheckpointMismatchError(f'{checkpoint}: is a folder, not a checkpoint file')
        if not osp.isfile(checkpoint):
            raise CheckpointMismatchError(f'{checkpoint}: no such checkpoint file')
    try:
        ckpt = _load_checkpoint(checkpoint, map_location='cpu')
    except Exception as e:  # truncated zip, pickle garbage, ...
        raise CheckpointMismatchError(f'{checkpoint}: not a readable torch checkpoint '
                                      f'({type(e).__name__}: {e})') from None
    state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else None
    if not isinstance(state, dict):
        raise CheckpointMismatchError(f'{checkpoint}: holds no state dict')
    return {re.sub(r'^module\.', '', k): v for k, v in state.items()}


def check_weights(model: nn.Module, checkpoint: str, allow_partial: bool = False,
                  state: Optional[dict] = None) -> dict:
    """Check that ``checkpoint``'s keys and shapes cover ``model``, without loading it.

    For loaders that must load through their own path (mmengine's Runner, whose
    hooks such as EMA act on the load): check first, then let them load.

    Args:
        model: the built model.
        checkpoint: path (or URL) of an mmengine / torch checkpoint.
        allow_partial: only report the differences (e.g. fine-tuning from a
            backbone's weights).
        state: the file's state dict when already read.

    Returns:
        dict: ``missing``, ``unexpected`` and ``mismatched`` key lists (empty on a full match).

    Raises:
        CheckpointMismatchError: naming the file and the keys, when the weights
            miss keys of the model, hold keys it lacks, or differ in shape
            (unless ``allow_partial``), or when the file cannot be read.
    """
    state = read_state_dict(checkpoint) if state is None else state
    own = model.state_dict()
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    mismatched = [f'{k} {tuple(state[k].shape)} vs {tuple(v.shape)}' for k, v in own.items()
                  if k in state and hasattr(state[k], 'shape') and state[k].shape != v.shape]
    if (missing or unexpected or mismatched) and not allow_partial:
        parts = [f'{name} keys: {_short(keys)}' for name, keys in
                 (('missing', missing), ('unexpected', unexpected),
                  ('shape-mismatched', mismatched)) if keys]
        raise CheckpointMismatchError(
            f'{checkpoint}: does not match the model {type(model).__name__} '
            f'({len(own)} keys; {"; ".join(parts)}). Is it a checkpoint of this config? '
            'For a deliberate partial load pass allow_partial=True (--allow-partial).')
    return dict(missing=missing, unexpected=unexpected, mismatched=mismatched)


def load_weights(model: nn.Module, checkpoint: str, allow_partial: bool = False) -> dict:
    """Load ``checkpoint`` into ``model`` after :func:`check_weights`.

    Returns:
        dict: the :func:`check_weights` report (the parts that matched are loaded).
    """
    from mmengine.runner.checkpoint import load_state_dict
    state = read_state_dict(checkpoint)
    report = check_weights(model, checkpoint, allow_partial, state)
    own = model.state_dict()
    ok = {k: v for k, v in state.items()
          if k in own and not (hasattr(v, 'shape') and v.shape != own[k].shape)}
    load_state_dict(model, ok, strict=False)
    return report


def publish_checkpoint(checkpoint: str, out_file: str) -> str:
    """Write the weights of a training checkpoint for release, as OpenMMLab's
    ``publish_model.py`` does: the ``state_dict`` and ``meta`` only (no optimizer,
    scheduler or message hub), the file name ending in the first 8 hex digits of its
    SHA-256 (``<out stem>-<sha8>.pth``). Written atomically.

    Returns:
        the path written.
    """
    import hashlib
    import os

    import torch

    from mmengine.runner.checkpoint import _load_checkpoint

    from mmsport.utils.atomic import atomic_open
    state = read_state_dict(checkpoint)  # (allow-lists mmengine's checkpoint types first)
    ckpt = _load_checkpoint(checkpoint, map_location='cpu')
    meta = ckpt.get('meta', {}) if isinstance(ckpt, dict) else {}
    keep = {k: meta[k] for k in ('epoch', 'iter', 'seed', 'experiment_name', 'mmengine_version')
            if k in meta}
    stem = out_file[:-4] if out_file.endswith('.pth') else out_file
    tmp = stem + '.unhashed.pth'
    with atomic_open(tmp, 'wb') as f:
        torch.save(dict(state_dict=state, meta=keep), f)
    with open(tmp, 'rb') as f:
        sha = hashlib.sha256(f.read()).hexdigest()[:8]
    final = f'{stem}-{sha}.pth'
    os.replace(tmp, final)
    return final
