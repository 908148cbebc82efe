"""Format modules, metric math and the file-level evaluators import without torch."""
import subprocess
import sys

import pytest

LIGHT = ['mmsport', 'mmsport.fileio', 'mmsport.fileio.ball_tracking',
         'mmsport.evaluation.functional', 'mmsport.evaluation.functional.spotting',
         'mmsport.evaluation.ball_tracking_files', 'mmsport.evaluation.spotting_files',
         'mmsport.utils.atomic', 'mmsport.video']


@pytest.mark.parametrize('module', LIGHT)
def test_imports_neither_torch_nor_openmmlab(module):
    code = (f'import sys, {module}\n'
            "heavy = [m for m in ('torch', 'mmengine', 'mmcv', 'mmaction', 'mmdet', "
            "'mmpretrain') if m in sys.modules]\n"
            'print(heavy); sys.exit(1 if heavy else 0)')
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
    assert r.returncode == 0, f'{module} imported {r.stdout.strip()} {r.stderr[-2000:]}'


def test_spotting_evaluator_runs_light(tmp_path):
    """``tools/evaluate_spotting.py`` end to end (a one-game split) loads neither torch nor
    OpenMMLab, nor scikit-learn / scipy, whose import would dominate its start-up."""
    import json
    import os
    game = os.path.join('league', 'season', 'game')
    (tmp_path / 'labels' / game).mkdir(parents=True)
    (tmp_path / 'preds' / game).mkdir(parents=True)
    (tmp_path / 'labels' / game / 'Labels-v2.json').write_text(json.dumps(dict(annotations=[
        dict(gameTime='1 - 00:01', label='Goal', position='1000', visibility='visible')])))
    (tmp_path / 'preds' / game / 'results_spotting.json').write_text(json.dumps(dict(
        predictions=[dict(label='Goal', half='1', position='1000', confidence='0.9')])))
    tools = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))), 'tools')
    code = ('import sys\nsys.path.insert(0, sys.argv[1])\nimport evaluate_spotting\n'
            'rc = evaluate_spotting.main(sys.argv[2:])\n'
            "heavy = [m for m in ('torch', 'mmengine', 'mmcv', 'mmaction', 'mmdet', "
            "'mmpretrain', 'sklearn', 'scipy') if m in sys.modules]\n"
            'print(heavy); sys.exit(1 if heavy or rc else 0)')
    r = subprocess.run([sys.executable, '-c', code, tools, str(tmp_path / 'labels'),
                        str(tmp_path / 'preds'), '--label-file', 'Labels-v2.json',
                        '--framerate', '2', '--metric', 'tight'],
                       capture_output=True, text=True)
    assert r.returncode == 0, f'{r.stdout[-2000:]} {r.stderr[-2000:]}'
    assert '"a_mAP_per_class": [0.0, 0.0, 1.0, 0.0' in r.stdout  # Goal found
