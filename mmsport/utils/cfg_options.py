"""``k=v`` config overrides (``--cfg-options``) parsed without losing the spaces of a string.

mmengine's ``DictAction`` removes every space of a value before parsing it (so that
``a=[1, 2]`` reads as a list), which turns ``data_root='/data/my clips'`` into
``/data/myclips``. :func:`parse_cfg_options` parses lists, tuples, numbers, booleans and
None exactly as mmengine does, and keeps a single string value as written (quotes
around it stripped). The command-line action built on it is
:class:`mmsport.cli.cfg_options.CfgOptionsAction`.
"""
from typing import Any, Dict, Iterable


def parse_cfg_value(val: str) -> Any:
    """One ``--cfg-options`` value: mmengine's parsing, spaces in a plain string kept."""
    from mmengine.config import DictAction
    text = val.strip()
    if text[:1] in ('(', '[') or ',' in text:
        return DictAction._parse_iterable(val)
    return DictAction._parse_int_float_bool(text.strip('\'"'))


def parse_cfg_options(pairs: Iterable[str]) -> Dict[str, Any]:
    """``{key: value}`` of ``k=v`` words (the later of two equal keys wins)."""
    options = {}
    for kv in pairs:
        key, val = kv.split('=', maxsplit=1)
        options[key] = parse_cfg_value(val)
    return options
