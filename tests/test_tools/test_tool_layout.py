"""tools/ has one folder per task of the same shape; moved tools keep working at old paths."""
import ast
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TASKS = ('ball_tracking', 'ball_action', 'transformer_spotting', 'reid', 'recognition')
MOVED = {
    'inference_spotting.py': 'ball_action/inference.py',
    'train_cv.py': 'ball_action/train_cv.py',
    'postprocess/spotting_submission.py': 'ball_action/submission.py',
    'inference_transformer_spotting.py': 'transformer_spotting/inference.py',
    'extract_features.py': 'transformer_spotting/extract_features.py',
    'pca_features.py': 'transformer_spotting/pca_features.py',
    'postprocess/respot.py': 'transformer_spotting/respot.py',
    'postprocess/ensemble.py': 'recognition/ensemble.py',
    'evaluate_tracking.py': 'ball_tracking/evaluate.py',
    'reid/match_crops.py': 'reid/inference.py',
    'recognition/classify_video.py': 'recognition/inference.py',
}


def _main_module(path):
    """The module a thin tool takes ``main`` from (``from X import main``)."""
    tree = ast.parse(open(path).read())
    return next(n.module for n in tree.body
                if isinstance(n, ast.ImportFrom) and any(a.name == 'main' for a in n.names))


def test_every_task_has_an_inference_tool():
    for task in TASKS:
        assert os.path.isfile(os.path.join(REPO, 'tools', task, 'inference.py')), task


def test_old_paths_call_the_same_main_as_the_new_ones():
    for old, new in MOVED.items():
        old_p, new_p = (os.path.join(REPO, 'tools', p) for p in (old, new))
        assert _main_module(old_p) == _main_module(new_p), old
        assert new in open(old_p).read(), old  # the note names the new path


def test_an_old_path_still_runs_and_says_where_the_tool_went():
    r = subprocess.run([sys.executable, os.path.join(REPO, 'tools', 'evaluate_tracking.py'),
                        '--help'], capture_output=True, text=True)
    assert r.returncode == 0 and 'labels_root' in r.stdout
    assert 'tools/ball_tracking/evaluate.py' in r.stderr
