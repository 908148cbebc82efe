"""--cfg-options keeps the spaces of a path; lists, numbers and None parse as in mmengine."""
import argparse

from mmsport.cli.cfg_options import CfgOptionsAction
from mmsport.utils.cfg_options import parse_cfg_options


def _parse(*words):
    p = argparse.ArgumentParser()
    p.add_argument('--cfg-options', nargs='+', action=CfgOptionsAction)
    return p.parse_args(['--cfg-options', *words]).cfg_options


def test_spaces_in_a_string_value_are_kept():
    opts = _parse('data_root=/data/my clips/train', "work_dir='/tmp/a b'")
    assert opts == {'data_root': '/data/my clips/train', 'work_dir': '/tmp/a b'}


def test_other_values_parse_as_in_mmengine():
    opts = _parse('a=[1, 2]', 'b=(3,4)', 'c=0.35', 'd=None', 'e=True', 'f=x,y')
    assert opts == {'a': [1, 2], 'b': (3, 4), 'c': 0.35, 'd': None, 'e': True, 'f': ['x', 'y']}


def test_the_library_parser_reads_the_same_values():
    words = ('data_root=/data/my clips/train', 'a=[1, 2]', 'c=0.35', 'd=None', 'f=x,y')
    assert parse_cfg_options(words) == _parse(*words)
