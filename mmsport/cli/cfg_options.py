"""``--cfg-options k=v`` as an ``argparse`` action that keeps the spaces of a string value
(the parsing itself: :func:`mmsport.utils.cfg_options.parse_cfg_value`)."""
from mmengine.config import DictAction

from mmsport.utils.cfg_options import parse_cfg_value


class CfgOptionsAction(DictAction):
    """``argparse`` action for ``--cfg-options``: mmengine's, spaces in strings kept."""

    @staticmethod
    def _parse_iterable(val: str):
        return parse_cfg_value(val)


def load_run_config(config: str, cfg_options=None, allow_new_keys: bool = False,
                    work_dir: str = None):
    """The config of a ``tools/train.py`` / ``tools/test.py`` run: read, its keys and the
    ``--cfg-options`` keys checked for typos (``ConfigKeyError``), the options merged, and
    ``work_dir`` set (the given one, else the config's, else ``work_dirs/<config name>``)."""
    import os.path as osp

    from mmengine.config import Config

    from mmsport.utils import check_config_keys
    cfg = Config.fromfile(config)
    check_config_keys(cfg, cfg_options, allow_new_keys=allow_new_keys)
    if cfg_options is not None:
        cfg.merge_from_dict(cfg_options)
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(config))[0])
    return cfg
