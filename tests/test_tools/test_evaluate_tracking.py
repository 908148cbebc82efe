import csv
import json
import os
import subprocess
import sys

import numpy as np

from mmsport.datasets.tennis_io import read_labels_csv

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(REPO, 'tools', 'ball_tracking', 'evaluate.py')


def _write_pred(path, track):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['frame', 'code', 'x', 'y'])
        for i, (c, x, y) in enumerate(track):
            w.writerow([i, int(c), '' if c == 0 else x, '' if c == 0 else y])


def _run(*args):
    return subprocess.run([sys.executable, TOOL, *args], capture_output=True, text=True)


def test_perfect_and_shifted_predictions(tiny_tennis_root, tmp_path):
    labels_root = os.path.join(tiny_tennis_root, 'test')
    gt = read_labels_csv(os.path.join(labels_root, 'game1/clip1/labels.csv'))
    _write_pred(str(tmp_path / 'perfect/game1/clip1.csv'), gt)
    r = _run(labels_root, str(tmp_path / 'perfect'))
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout.strip().splitlines()[-1])
    assert res['SiBaTrAcc'] == 1.0 and res['per_clip'] == {'game1/clip1': 1.0}

    shifted = gt.copy()
    shifted[shifted[:, 0] > 0, 1] += 16  # every ball 16 px off: error 2**1.5 each
    _write_pred(str(tmp_path / 'shift/game1/clip1.csv'), shifted)
    res = json.loads(_run(labels_root, str(tmp_path / 'shift')).stdout.strip().splitlines()[-1])
    n_on = int((gt[:, 0] > 0).sum())
    assert np.isclose(res['SiBaTrAcc'], 1 - n_on * 2 ** 1.5 / (5 * len(gt)))


def test_missing_and_malformed_prediction_files(tiny_tennis_root, tmp_path):
    labels_root = os.path.join(tiny_tennis_root, 'test')
    r = _run(labels_root, str(tmp_path / 'none'))
    assert r.returncode == 2 and 'game1/clip1.csv: prediction file is missing' in r.stderr
    bad = tmp_path / 'bad/game1/clip1.csv'
    os.makedirs(bad.parent)
    bad.write_text('frame,code,x,y\n0,1,abc,3\n')
    r = _run(labels_root, str(tmp_path / 'bad'))
    assert r.returncode == 2 and 'clip1.csv:2: malformed row' in r.stderr
    bad.write_text('frame,code,x,y\n0,0,,\n')
    r = _run(labels_root, str(tmp_path / 'bad'))
    assert 'frame-count mismatch: 1 of 16' in r.stderr


def test_position_outside_the_frame_is_an_error_naming_the_line(tiny_tennis_root, tmp_path):
    labels_root = os.path.join(tiny_tennis_root, 'test')
    gt = read_labels_csv(os.path.join(labels_root, 'game1/clip1/labels.csv'))
    far = gt.copy()
    far[:, 0], far[3, 1:] = 0, 0
    far[3] = (1, -695, -89)
    _write_pred(str(tmp_path / 'far/game1/clip1.csv'), far)
    r = _run(labels_root, str(tmp_path / 'far'))
    assert r.returncode == 2
    assert 'clip1.csv:5: visible position (-695.0, -89.0) outside the 320x180 frame' in r.stderr


def test_video_shorter_than_its_csv_is_blamed_on_the_labels(tiny_tennis_root, tmp_path):
    """A video cut short: the labels' file and the video are named, even with a prediction
    file as long as the csv (which used to score 1.0)."""
    from mmsport.testing.ball_layouts import write_ball_layout
    root = write_ball_layout(os.path.join(tiny_tennis_root, 'test'), str(tmp_path / 'vc'),
                             'video_csv')
    video = next(n for n in os.listdir(root) if n.endswith('.mp4'))
    stem = video[:-4]
    lab = os.path.join(root, stem + '.csv')
    lines = open(lab).read().splitlines()
    n = len(lines) - 1
    with open(lab, 'a') as f:  # two more label rows than the video has frames
        f.write('\n'.join([f'{n},0,-1,-1', f'{n + 1},0,-1,-1']) + '\n')
    _write_pred(str(tmp_path / 'pred' / f'{stem}.csv'), np.zeros((n + 2, 3)))
    r = _run(root, str(tmp_path / 'pred'))
    assert r.returncode == 2
    assert f'{stem}.csv: frame-count mismatch: {n + 2} label rows but {n} frames in the video' \
        in r.stderr
