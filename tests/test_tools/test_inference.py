"""tools/inference.py: streaming CSVs, overlay videos, bad inputs reported and skipped."""
import csv
import os
import subprocess
import sys

import cv2
import numpy as np
import pytest

from mmsport.apis import BallTrackStreamer, init_tracker
from mmsport.datasets.tennis_io import list_frames

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(REPO, 'tools', 'inference.py')


def _video_from_clip(clip_dir, path, n=None):
    frames = list_frames(clip_dir)[:n]
    first = cv2.imread(frames[0])
    vw = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'), 25.0,
                         (first.shape[1], first.shape[0]))
    for f in frames:
        vw.write(cv2.imread(f))
    vw.release()
    return len(frames)


def _rows(path):
    with open(path, newline='') as f:
        return list(csv.reader(f))


def test_streamer_matches_per_frame_dataset_predictions(tiny_tennis_root, tiny_tracker_files):
    """Streaming over a clip gives the same raw decodes as the test pipeline, frame by frame."""
    from mmengine.dataset import pseudo_collate
    from mmengine.registry import DATASETS
    from mmsport.apis import open_frames
    cfg_path, ckpt = tiny_tracker_files
    model = init_tracker(cfg_path, ckpt)
    ds_cfg = model.cfg.test_dataloader.dataset.copy()
    ds_cfg.pipeline = [dict(type='LoadBallFrameStack', reduced_decode=False),
                       dict(type='PackBallInputs')]
    ds = DATASETS.build(ds_cfg)
    ref = np.stack([model.test_step(pseudo_collate([ds[i]]))[0].pred_ball
                    for i in range(len(ds))])
    clip = os.path.join(tiny_tennis_root, 'test', 'game1', 'clip1')
    streamer = BallTrackStreamer(model, ds_cfg.stack_size, tuple(ds_cfg.input_size),
                                 batch_size=5)
    track, scores = streamer.run(open_frames(clip))
    assert track.shape == (16, 3) and scores.shape == (16,)
    np.testing.assert_allclose(track, ref, atol=1e-6)


def test_inference_tool_on_video_and_clips(tiny_tennis_root, tiny_tracker_files, tmp_path):
    cfg_path, ckpt = tiny_tracker_files
    clip = os.path.join(tiny_tennis_root, 'test', 'game1', 'clip1')
    vids = tmp_path / 'videos'
    vids.mkdir()
    n = _video_from_clip(clip, str(vids / 'rally.mp4'))
    (vids / 'empty.mp4').write_bytes(b'')  # bad: zero bytes
    (vids / 'junk.mkv').write_bytes(b'\x00garbage' * 100)  # bad: corrupt
    out = tmp_path / 'out'
    r = subprocess.run([sys.executable, TOOL, cfg_path, ckpt, str(vids),
                        os.path.join(tiny_tennis_root, 'test'), '--out-dir', str(out),
                        '--vis', '--batch-size', '4'], capture_output=True, text=True)
    log = r.stdout + r.stderr
    assert r.returncode == 1, log  # some inputs failed ...
    assert 'empty.mp4: zero-byte video' in log
    assert 'junk.mkv' in log and 'FAILED' in log
    rows = _rows(out / 'rally.csv')  # ... but the good ones were all written
    assert rows[0] == ['frame', 'code', 'x', 'y'] and len(rows) == n + 1
    assert _rows(out / 'game1' / 'clip1.csv')[0] == ['frame', 'code', 'x', 'y']
    for name in ('rally_heatmap.mp4', 'rally_track.mp4', 'game1/clip1_track.mp4'):
        cap = cv2.VideoCapture(str(out / name))
        assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == n, name
    assert not list(out.glob('**/*.part*')) and not list(out.glob('**/*.tmp'))
    assert not (out / 'empty.csv').exists()


def test_truncated_video_reported(tiny_tennis_root, tiny_tracker_files, tmp_path):
    cfg_path, ckpt = tiny_tracker_files
    clip = os.path.join(tiny_tennis_root, 'test', 'game1', 'clip1')
    good = tmp_path / 'good.mp4'
    _video_from_clip(clip, str(good))
    data = good.read_bytes()
    (tmp_path / 'cut.mp4').write_bytes(data[:len(data) // 2])
    r = subprocess.run([sys.executable, TOOL, cfg_path, ckpt, str(tmp_path / 'cut.mp4'),
                        '--out-dir', str(tmp_path / 'o')], capture_output=True, text=True)
    assert r.returncode == 1 and 'cut.mp4' in r.stdout + r.stderr
    assert not (tmp_path / 'o' / 'cut.csv').exists()


def test_inference_and_evaluation_on_every_public_layout(tiny_tennis_root, tiny_tracker_files,
                                                         tmp_path):
    """Roots of the TrackNet, Shuttlecock and video+csv layouts are found, predicted and scored."""
    import json

    from mmsport.testing.ball_layouts import write_ball_layout
    cfg_path, ckpt = tiny_tracker_files
    split = os.path.join(tiny_tennis_root, 'test')
    roots = {lay: write_ball_layout(split, str(tmp_path / lay), lay)
             for lay in ('tracknet', 'shuttlecock', 'video_csv')}
    out = tmp_path / 'out'
    r = subprocess.run([sys.executable, TOOL, cfg_path, ckpt, *roots.values(),
                        '--out-dir', str(out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-3000:]
    for lay, key in (('tracknet', 'game1/Clip1'), ('shuttlecock', 'match1/1'),
                     ('video_csv', 'g1c1')):
        assert f'{lay} layout, 1 clip(s)' in r.stdout + r.stderr
        rows = _rows(str(out / f'{key}.csv'))
        assert rows[0] == ['frame', 'code', 'x', 'y'] and len(rows) == 17
        ev = subprocess.run([sys.executable, os.path.join(REPO, 'tools', 'ball_tracking', 'evaluate.py'),
                             roots[lay], str(out)], capture_output=True, text=True)
        assert ev.returncode == 0, ev.stderr
        res = json.loads(ev.stdout.strip().splitlines()[-1])
        assert res['layout'] == lay and list(res['per_clip']) == [key]
        assert res['tol'] == pytest.approx(4 * 320 / 512)
        assert sum(res[k] for k in ('tp', 'fp1', 'fp2', 'fn', 'tn')) == 16
