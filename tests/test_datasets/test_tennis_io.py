"""Bad tennis input: each error names the file and the problem."""
import os
import shutil

import numpy as np
import pytest

from mmsport.datasets import TennisBallDataset, TennisDataError
from mmsport.datasets.tennis_io import list_clips, read_frame, read_labels_csv


@pytest.fixture
def clip_copy(tiny_tennis_root, tmp_path):
    """A writable copy of one game with one clip: returns (split_root, clip_dir)."""
    src = os.path.join(tiny_tennis_root, 'train', 'game1')
    dst = tmp_path / 'split' / 'game1'
    shutil.copytree(src, dst)
    return str(tmp_path / 'split'), str(dst / 'clip1')


def test_read_labels(tiny_tennis_root):
    key, clip = list_clips(os.path.join(tiny_tennis_root, 'train'))[0]
    assert key == 'game1/clip1'
    lab = read_labels_csv(os.path.join(clip, 'labels.csv'))
    assert lab.shape == (16, 3)
    assert ((lab[:, 0] == 0) == (lab[:, 1] == -1)).all()


def test_missing_labels(clip_copy):
    root, clip = clip_copy
    os.remove(os.path.join(clip, 'labels.csv'))
    with pytest.raises(TennisDataError, match=r'clip1/labels.csv: labels file is missing'):
        TennisBallDataset(data_root=root)


@pytest.mark.parametrize('row,msg', [('0001.jpg,7,1,2,0', 'code 7 is not one of'),
                                     ('0001.jpg,x,1,2,0', "code 'x' is not an integer"),
                                     ('0001.jpg,1,,,0', 'code 1 needs numeric x, y')])
def test_malformed_labels(clip_copy, row, msg):
    root, clip = clip_copy
    path = os.path.join(clip, 'labels.csv')
    lines = open(path).read().splitlines()
    lines[2] = row
    open(path, 'w').write('\n'.join(lines) + '\n')
    with pytest.raises(TennisDataError, match=rf'labels.csv:3: {msg}'):
        TennisBallDataset(data_root=root)


def test_frame_count_mismatch(clip_copy):
    root, clip = clip_copy
    os.remove(os.path.join(clip, '0015.jpg'))
    with pytest.raises(TennisDataError, match='frame-count mismatch: 16 label rows but 15'):
        TennisBallDataset(data_root=root)


def test_corrupt_jpg(clip_copy):
    root, clip = clip_copy
    bad = os.path.join(clip, '0003.jpg')
    open(bad, 'wb').write(b'not a jpeg at all')
    with pytest.raises(TennisDataError, match='0003.jpg: corrupt or unreadable jpg'):
        read_frame(bad, (80, 48))
    ds = TennisBallDataset(data_root=root, input_size=(80, 48), pipeline=[
        dict(type='LoadBallFrameStack'), dict(type='PackBallInputs')])
    ds[0]  # frames 0..0 are fine
    with pytest.raises(TennisDataError, match='0003.jpg'):
        ds[3]


def test_clip_shorter_than_stack(clip_copy, tmp_path):
    root, clip = clip_copy
    with pytest.raises(TennisDataError, match='16 frames, shorter than the stack of 20'):
        TennisBallDataset(data_root=root, stack_size=20)
    # skip_bad_clips reports and skips; with nothing left it says so
    with pytest.raises(TennisDataError, match='no usable game'):
        TennisBallDataset(data_root=root, stack_size=20, skip_bad_clips=True)


def test_not_a_directory(tmp_path):
    with pytest.raises(TennisDataError, match='not a directory'):
        list_clips(str(tmp_path / 'nope'))


def test_resize_frame_is_area_resampling():
    import cv2
    from mmsport.datasets.tennis_io import resize_frame
    img = np.random.default_rng(0).integers(0, 256, (720, 1280, 3), dtype=np.uint8)
    fast = resize_frame(img, (320, 180)).astype(int)
    area = cv2.resize(img, (320, 180), interpolation=cv2.INTER_AREA).astype(int)
    assert fast.shape == area.shape and np.abs(fast - area).max() <= 1
    odd = resize_frame(img, (300, 170))  # not a power-of-two factor
    assert odd.shape == (170, 300, 3)
