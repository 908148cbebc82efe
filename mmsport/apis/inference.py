"""Model initialisation shared by every inference entry point."""
from typing import Optional

import torch.nn as nn
from mmengine.config import Config
from mmengine.registry import init_default_scope

from mmsport.registry import MODELS


class ModelBuildError(ValueError):
    """A config whose model cannot be built (e.g. a misspelled argument), naming the file."""


def init_model(config, checkpoint: Optional[str] = None, device: str = 'cpu',
               allow_partial: bool = False) -> nn.Module:
    """Build any mmsport model from a config (path or Config) and load its weights.

    Weights that do not match the config's model (another task or width, a
    truncated file) are an error naming the file and the keys
    (:func:`mmsport.engine.checkpoint.load_weights`); ``allow_partial=True`` loads
    what matches.

    Returns:
        the model in eval mode on ``device``, with ``model.cfg`` set.
    """
    import mmsport  # noqa: F401  (registers modules)
    cfg = Config.fromfile(config) if isinstance(config, str) else config
    init_default_scope(cfg.get('default_scope', 'mmsport'))
    try:
        model = MODELS.build(cfg.model)
    except TypeError as e:  # e.g. a misspelled argument deep in the model (model.codec.vis_th)
        raise ModelBuildError(f'{cfg.filename or "config"}: the model cannot be built from '
                              f'its config: {e}') from None
    if checkpoint is not None:
        from mmsport.engine.checkpoint import load_weights
        load_weights(model, checkpoint, allow_partial=allow_partial)
    model.cfg = cfg
    return model.to(device).eval()
