"""``--cfg-options k=v`` as an ``argparse`` action that keeps the spaces of a string value
(the parsing itself: :func:`mmsport.utils.cfg_options.parse_cfg_value`)."""
from mmengine.config import DictAction

from mmsport.utils.cfg_options import parse_cfg_value


class CfgOptionsAction(DictAction):
    """``argparse`` action for ``--cfg-options``: mmengine's, spaces in strings kept."""

    @staticmethod
    def _parse_iterable(val: str):
        return parse_cfg_value(val)
