"""tools/ has one folder per task of the same shape; the old pre-move paths are gone."""
import os
import subprocess

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


def test_every_task_has_an_inference_tool():
    for task in TASKS:
        assert os.path.isfile(os.path.join(REPO, 'tools', task, 'inference.py')), task


def test_the_removed_old_paths_are_gone_and_named_nowhere():
    """The deprecated paths were dropped (README, "Removed tool paths"); no message, doc or
    script of the project still sends a user to one."""
    for old in MOVED:
        assert not os.path.exists(os.path.join(REPO, 'tools', old)), old
    pattern = '|'.join('tools/' + old.replace('.', '[.]') for old in MOVED)
    out = subprocess.run(['git', 'grep', '-n', '-E', pattern, '--', '*.py', '*.sh', '*.md',
                          ':!tests/test_tools/test_tool_layout.py', ':!README.md'],
                         cwd=REPO, capture_output=True, text=True).stdout
    assert out == '', out
