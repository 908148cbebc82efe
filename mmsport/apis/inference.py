"""Model initialisation shared by every inference entry point."""
from typing import Optional

import torch.nn as nn
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint

from mmsport.registry import MODELS


def init_model(config, checkpoint: Optional[str] = None, device: str = 'cpu') -> nn.Module:
    """Build any mmsport model from a config (path or Config) and load its weights.

    Returns:
        the model in eval mode on ``device``, with ``model.cfg`` set.
    """
    import mmsport  # noqa: F401  (registers modules)
    cfg = Config.fromfile(config) if isinstance(config, str) else config
    init_default_scope(cfg.get('default_scope', 'mmsport'))
    model = MODELS.build(cfg.model)
    if checkpoint is not None:
        load_checkpoint(model, checkpoint, map_location='cpu')
    model.cfg = cfg
    return model.to(device).eval()
