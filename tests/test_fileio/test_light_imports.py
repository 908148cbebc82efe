"""Format modules, metric math and the file-level evaluators import without torch."""
import subprocess
import sys

import pytest

LIGHT = ['mmsport', 'mmsport.fileio', 'mmsport.fileio.ball_tracking',
         'mmsport.evaluation.functional', 'mmsport.evaluation.functional.spotting',
         'mmsport.evaluation.ball_tracking_files', 'mmsport.utils.atomic', 'mmsport.video']


@pytest.mark.parametrize('module', LIGHT)
def test_imports_neither_torch_nor_openmmlab(module):
    code = (f'import sys, {module}\n'
            "heavy = [m for m in ('torch', 'mmengine', 'mmcv', 'mmaction', 'mmdet', "
            "'mmpretrain') if m in sys.modules]\n"
            'print(heavy); sys.exit(1 if heavy else 0)')
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
    assert r.returncode == 0, f'{module} imported {r.stdout.strip()} {r.stderr[-2000:]}'
