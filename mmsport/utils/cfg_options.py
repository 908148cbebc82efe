"""``--cfg-options k=v`` parsing that keeps the spaces of a plain string value.

mmengine's ``DictAction`` removes every space of a value before parsing it (so that
``a=[1, 2]`` reads as a list), which turns ``data_root='/data/my clips'`` into
``/data/myclips``. :class:`CfgOptionsAction` parses lists, tuples, numbers, booleans and
None exactly as mmengine does, and keeps a single string value as written (quotes
around it stripped).
"""
from mmengine.config import DictAction


class CfgOptionsAction(DictAction):
    """``argparse`` action for ``--cfg-options``: mmengine's, spaces in strings kept."""

    @staticmethod
    def _parse_iterable(val: str):
        text = val.strip()
        if text[:1] in ('(', '[') or ',' in text:
            return DictAction._parse_iterable(val)
        return DictAction._parse_int_float_bool(text.strip('\'"'))
