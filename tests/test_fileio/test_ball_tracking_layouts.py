"""The four ball-tracking layouts: detection, label reading, validation errors."""
import os

import numpy as np
import pytest

from mmsport.fileio import (BallDataError, detect_layout, list_ball_clips, read_clip_labels,
                            read_frame_labels, read_game_labels, read_prediction_csv)
from mmsport.testing.ball_layouts import write_ball_layout
from mmsport.video import probe_video

LAYOUTS = ('tracknet', 'shuttlecock', 'video_csv')


@pytest.fixture(scope='module')
def layout_roots(tiny_tennis_root, tmp_path_factory):
    """{layout: root} of the tiny tennis test split rewritten in each layout."""
    base = tmp_path_factory.mktemp('layouts')
    split = os.path.join(tiny_tennis_root, 'test')
    roots = {'seed': split}
    for layout in LAYOUTS:
        roots[layout] = write_ball_layout(split, str(base / layout), layout)
    roots['tracknet_reworded'] = write_ball_layout(split, str(base / 'tn2'), 'tracknet',
                                                   tracknet_header='reworded')
    return roots


def _seed_labels(roots):
    _, clips = list_ball_clips(roots['seed'])
    return read_clip_labels(clips[0])


@pytest.mark.parametrize('layout', ('seed', ) + LAYOUTS)
def test_detects_layout_and_reads_the_same_labels(layout_roots, layout):
    root = layout_roots[layout]
    assert detect_layout(root) == layout
    found, clips = list_ball_clips(root)
    assert found == layout and len(clips) == 1
    clip = clips[0]
    assert clip.key == {'seed': 'game1/clip1', 'tracknet': 'game1/Clip1',
                        'shuttlecock': 'match1/1', 'video_csv': 'g1c1'}[layout]
    size = probe_video(clip.media)[0] if clip.is_video else None
    lab = read_clip_labels(clip, size)
    ref = _seed_labels(layout_roots)
    assert lab.shape == ref.shape == (16, 3)
    np.testing.assert_array_equal(lab[:, 0] != 0, ref[:, 0] != 0)
    on = ref[:, 0] != 0
    # pixel layouts are written rounded to 1 px, the normalised one to 1e-4 of 320 px
    np.testing.assert_allclose(lab[on, 1:], ref[on, 1:], atol=0.51)


def test_reworded_tracknet_header_reads_the_same(layout_roots):
    _, a = list_ball_clips(layout_roots['tracknet'])
    _, b = list_ball_clips(layout_roots['tracknet_reworded'])
    np.testing.assert_array_equal(read_clip_labels(a[0]), read_clip_labels(b[0]))
    assert open(b[0].labels).readline().startswith('File Name,Visibility Class,X,Y')


def test_names_are_matched_case_insensitively(layout_roots, tmp_path):
    import shutil
    root = tmp_path / 'upper'
    shutil.copytree(layout_roots['tracknet'], root / 'x')
    os.rename(root / 'x' / 'game1', root / 'GAME1')
    os.rename(root / 'GAME1' / 'Clip1' / 'Label.csv', root / 'GAME1' / 'Clip1' / 'LABEL.CSV')
    assert list_ball_clips(str(root))[1][0].key == 'GAME1/Clip1'


def test_keys_select_a_fixed_split_and_unknown_keys_fail(layout_roots):
    _, clips = list_ball_clips(layout_roots['video_csv'], keys=['g1c1'])
    assert [c.key for c in clips] == ['g1c1']
    with pytest.raises(BallDataError, match=r"\['nope'\] not found in the video_csv layout"):
        list_ball_clips(layout_roots['video_csv'], keys=['nope'])



def test_numeric_keys_from_a_command_line_name_their_clip(layout_roots, tmp_path):
    # --cfg-options clips=['00001'] reaches the dataset as the int 1 (mmengine parses digits)
    import shutil
    src = layout_roots['video_csv']
    for stem in ('00001', '00002'):
        for ext in ('.mp4', '.csv'):
            shutil.copy(os.path.join(src, 'g1c1' + ext), tmp_path / (stem + ext))
    _, clips = list_ball_clips(str(tmp_path), keys=[2, '00001'])
    assert [c.key for c in clips] == ['00002', '00001']
    with pytest.raises(BallDataError, match=r'clip key 7 is a number and matches 0 clips'):
        list_ball_clips(str(tmp_path), keys=[7])

def test_no_layout_names_what_was_looked_for(tmp_path):
    with pytest.raises(BallDataError, match='no ball-tracking layout found: expected game'):
        detect_layout(str(tmp_path))


def _write(path, text):
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize('text,msg', [
    ('Frame,Ball,x,y\n0,1,0.5,0.5\n0,1,0.5,0.5\n', r':3: frame 0 where frame 1 was expected \(duplicate'),
    ('Frame,Ball,x,y\n0,1,0.5,0.5\n2,1,0.5,0.5\n', r':3: frame 2 where frame 1 was expected \(missing'),
    ('Frame,Ball,x,y\n0,1,nan,0.5\n', r":2: x 'nan' is not finite"),
    ('Frame,Ball,x,y\n0,1,1.5,0.5\n', r':2: visible ball at normalised \(1.5, 0.5\), outside'),
    ('Frame,Ball,x,y\n0,7,0.5,0.5\n', r':2: code 7 is not one of 0, 1, 2, 3'),
    ('Frame,x,y,Ball\n0,0.5,0.5,1\n', r":1: column 2 is 'x', expected Visibility"),
    ('Frame,Ball,x\n0,1,0.5\n', r':1: header .* has 3 columns'),
])
def test_normalised_csv_errors_name_file_and_line(tmp_path, text, msg):
    path = _write(tmp_path / 'r.csv', text)
    with pytest.raises(BallDataError, match='r.csv' + msg):
        read_frame_labels(path, (1280, 720), normalised=True)


def test_normalised_csv_scales_to_pixels(tmp_path):
    path = _write(tmp_path / 'r.csv', 'Frame,Ball,x,y\n0,1,0.5,0.25\n1,0,-1,-1\n')
    np.testing.assert_array_equal(read_frame_labels(path, (1280, 720), normalised=True),
                                  [[1, 640, 180], [0, -1, -1]])


def test_pixel_csv_outside_the_frame_fails(tmp_path):
    path = _write(tmp_path / 'r_ball.csv', 'Frame,Visibility,X,Y\n0,1,2000,10\n')
    with pytest.raises(BallDataError, match=r'r_ball.csv:2: visible ball at \(2000.0, 10.0\)'):
        read_frame_labels(path, (1280, 720))


@pytest.mark.parametrize('text,msg', [
    ('file name,visibility,x-coordinate,y-coordinate,status\n0001.jpg,1,3,4,0\n',
     r":2: file name '0001.jpg' where frame 0000.jpg was expected"),
    ('name,x,y,visibility\n0000.jpg,3,4,1\n', r":1: column 2 is 'x', expected a code"),
    ('file name,visibility,x,y\n0000.jpg,1,inf,4\n', r":2: x 'inf' is not finite"),
])
def test_game_labels_errors(tmp_path, text, msg):
    path = _write(tmp_path / 'Label.csv', text)
    with pytest.raises(BallDataError, match='Label.csv' + msg):
        read_game_labels(path)


def test_prediction_file_errors(tmp_path):
    path = _write(tmp_path / 'p.csv', 'frame,code,x,y\n0,1,3,4\n0,0,,\n')
    with pytest.raises(BallDataError, match=r'p.csv:3: frame 0 predicted twice'):
        read_prediction_csv(path, 2)
    path = _write(tmp_path / 'p.csv', 'frame,code,x,y\n0,1,3,nan\n')
    with pytest.raises(BallDataError, match=r'p.csv:2: x, y \(3, nan\) not finite'):
        read_prediction_csv(path, 1)
    path = _write(tmp_path / 'p.csv', 'frame,code,x,y\n0,0,,\n')
    with pytest.raises(BallDataError, match='p.csv: frame-count mismatch: 1 of 2 frames '
                                            r'predicted \(first missing: 1\)'):
        read_prediction_csv(path, 2)
