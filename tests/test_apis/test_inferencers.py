"""The README's inferencer example, on a tiny model: same CSVs as tools/inference.py."""
import os

import cv2
import numpy as np

from mmsport.fileio import read_prediction_csv


def _video(clip_dir, path):
    from mmsport.fileio import list_frame_files
    frames = list_frame_files(clip_dir)
    first = cv2.imread(frames[0])
    vw = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'), 25.0,
                         (first.shape[1], first.shape[0]))
    for f in frames:
        vw.write(cv2.imread(f))
    vw.release()
    return len(frames)


def test_readme_example_writes_the_tracks_it_returns(tiny_tennis_root, tiny_tracker_files,
                                                    tmp_path):
    from mmsport.apis import BallTrackingInferencer
    from mmsport.registry import INFERENCERS
    cfg_path, ckpt = tiny_tracker_files
    video = str(tmp_path / 'match.mp4')
    n = _video(os.path.join(tiny_tennis_root, 'test', 'game1', 'clip1'), video)

    tracker = BallTrackingInferencer(cfg_path, ckpt, device='cpu')
    result = tracker(video, out_dir=str(tmp_path / 'preds'))
    track = result['predictions'][0]['track']
    assert track.shape == (n, 3) and result['predictions'][0]['error'] is None
    np.testing.assert_allclose(read_prediction_csv(str(tmp_path / 'preds' / 'match.csv'), n),
                               np.round(track, 1), atol=0.051)
    # a dataset root yields one result per clip; a bad input is reported, not raised
    roots = tracker([os.path.join(tiny_tennis_root, 'test'), str(tmp_path / 'missing.mp4')])
    assert [p['key'] for p in roots['predictions']] == ['game1/clip1', 'missing']
    assert roots['predictions'][0]['error'] is None
    assert 'no such video file' in roots['predictions'][1]['error']
    assert INFERENCERS.get('BallTrackingInferencer') is BallTrackingInferencer


def test_mmsport_inferencer_picks_the_task_and_matches_it(tiny_tennis_root, tiny_tracker_files,
                                                         tmp_path):
    """The README's ``MMSportInferencer`` example: the task's inferencer, the same tracks."""
    from mmsport.apis import BallTrackingInferencer, MMSportInferencer
    cfg_path, ckpt = tiny_tracker_files
    video = str(tmp_path / 'match.mp4')
    n = _video(os.path.join(tiny_tennis_root, 'test', 'game1', 'clip1'), video)

    inferencer = MMSportInferencer(cfg_path, ckpt, device='cpu', show_progress=False)
    res = inferencer(video, out_dir=str(tmp_path / 'preds'))
    assert inferencer.task == 'ball_tracking'
    assert isinstance(inferencer.inferencer, BallTrackingInferencer)
    direct = BallTrackingInferencer(cfg_path, ckpt, device='cpu', show_progress=False)(video)
    np.testing.assert_array_equal(res['predictions'][0]['track'],
                                  direct['predictions'][0]['track'])
    assert read_prediction_csv(str(tmp_path / 'preds' / 'match.csv'), n).shape == (n, 3)


def test_every_inference_config_has_a_task():
    """Each trained config in configs/ maps to a task inferencer; the others say why not."""
    import glob

    import pytest
    from mmengine.config import Config

    from mmsport.apis import MMSportInferencer
    from mmsport.apis.inferencers import TASK_INFERENCERS, task_of
    from mmsport.registry import INFERENCERS
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    no_inference = ('_base_', 'detection', 'fusion_', 'stage1-ssl')  # bases, a detector, rules, SSL
    tasks = set()
    for path in sorted(glob.glob(os.path.join(repo, 'configs', '*', '*.py'))):
        if any(k in path for k in no_inference):
            continue
        task = task_of(path)
        assert task is not None, path
        tasks.add(task)
    assert tasks == {'ball_tracking', 'ball_action_spotting', 'transformer_spotting', 'reid',
                     'recognition'}
    for _, name in TASK_INFERENCERS.values():
        assert INFERENCERS.get(name) is not None, name
    with pytest.raises(ValueError, match='no mmsport inferencer'):
        MMSportInferencer(Config(dict(model=dict(type='MoCoV3'))))
