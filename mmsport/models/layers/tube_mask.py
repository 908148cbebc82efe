"""Temporal tube masking (COMEDIAN / VideoMAE style) of (B, T) timesteps."""
from typing import Optional

import numpy as np
import torch
import torch.nn.functional as F


def tube_mask(batch: int, num_timesteps: int, ratio: float, tube: int,
              generator: Optional[torch.Generator] = None,
              device: Optional[torch.device] = None) -> torch.Tensor:
    """Random temporal tube mask, the same number of masked timesteps in every sample.

    The T timesteps are cut into ``T // tube`` aligned tubes ``[k*tube, (k+1)*tube)``
    (a trailing remainder of ``T % tube`` timesteps is never masked) and
    ``K = floor(ratio * T / tube + 0.5)`` of them (clamped to ``[0, T // tube]``)
    are drawn without replacement, independently per sample. Every sample thus has
    exactly ``K * tube`` masked timesteps: ``round(ratio * T)`` rounded (half up) to
    a multiple of ``tube``, e.g. 32 of 128 timesteps (16 tubes) for ratio 0.25 and
    tube 2, 2 of 6 for ratio 0.25 and tube 2. Vectorised (one argsort), no loop.

    Args:
        batch: B.
        num_timesteps: T.
        ratio: fraction of timesteps to mask, in [0, 1].
        tube: length of a masked run of consecutive timesteps (>= 1).
        generator: optional torch generator (reproducible masks); the random
            numbers are drawn on its device.
        device: device of the returned mask (default: the generator's, else CPU).

    Returns:
        (B, T) bool tensor, True where the timestep is masked.
    """
    if tube < 1 or not 0.0 <= ratio <= 1.0:
        raise ValueError(f'need tube >= 1 and 0 <= ratio <= 1, got {tube}, {ratio}')
    num_tubes = num_timesteps // tube
    num_masked = min(max(int(np.floor(ratio * num_timesteps / tube + 0.5)), 0), num_tubes)
    rand_device = generator.device if generator is not None else device
    noise = torch.rand(batch, num_tubes, generator=generator, device=rand_device)  # (B, n)
    chosen = noise.argsort(dim=1)[:, :num_masked]  # (B, K)
    tubes = torch.zeros(batch, num_tubes, dtype=torch.bool, device=noise.device)
    tubes.scatter_(1, chosen, True)  # (B, n)
    mask = tubes.repeat_interleave(tube, dim=1)  # (B, n * tube)
    mask = F.pad(mask, (0, num_timesteps - mask.shape[1]), value=False)  # (B, T)
    return mask if device is None else mask.to(device)
