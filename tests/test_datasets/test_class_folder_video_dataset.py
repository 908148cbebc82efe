"""Recognition clips in <root>/<class>/*.mp4 read as they are: labels from folders, a fixed
stratified split, and bad folders / clips named."""
import os

import cv2
import numpy as np
import pytest

from mmsport.datasets import ClassFolderVideoDataset
from mmsport.datasets.class_folder_video_dataset import stratified_split
from mmsport.fileio.media import MediaError
from mmsport.testing.ball_layouts import write_video


def _clip(path, n=7, size=(32, 48)):
    d = os.path.dirname(path)
    frames = []
    for i in range(n):
        frames.append(os.path.join(d, f'.f{i}.jpg'))
        cv2.imwrite(frames[-1], np.full((size[1], size[0], 3), 30 * i, np.uint8))
    write_video(path, frames, fps=24)
    for f in frames:
        os.remove(f)


@pytest.fixture(scope='module')
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp('clips') / 'videos'
    for name, n in (('shooting', 3), ('defense', 5), ('passing', 6)):
        os.makedirs(root / name)
        for k in range(n):
            _clip(str(root / name / f'{name}_{k}.mp4'))
    return str(root)


def test_labels_from_folders_and_a_fixed_stratified_split(folders):
    all_ = ClassFolderVideoDataset(folders, pipeline=[])
    assert all_.metainfo['classes'] == ('defense', 'passing', 'shooting')
    assert len(all_) == 14
    assert {all_[i]['label'] for i in range(len(all_))} == {0, 1, 2}
    train = ClassFolderVideoDataset(folders, split='train', val_fraction=0.34, pipeline=[])
    val = ClassFolderVideoDataset(folders, split='val', val_fraction=0.34, pipeline=[])
    names = lambda ds: {os.path.basename(ds[i]['filename']) for i in range(len(ds))}  # noqa
    assert not names(train) & names(val) and len(names(train) | names(val)) == 14
    assert sorted(val[i]['label'] for i in range(len(val))) == [0, 0, 1, 1, 2]  # per class
    again = ClassFolderVideoDataset(folders, split='val', val_fraction=0.34, pipeline=[])
    assert names(again) == names(val)                      # fixed by split_seed
    other = ClassFolderVideoDataset(folders, split='val', val_fraction=0.34, split_seed=1,
                                    pipeline=[])
    assert len(other) == len(val)


def test_stratified_split_keeps_one_of_each_side():
    masks = stratified_split([1, 2, 10], 0.2, 0)
    assert [int(m.sum()) for m in masks] == [0, 1, 2]
    with pytest.raises(ValueError):
        stratified_split([3], 1.0, 0)


def test_bad_folders_and_clips_are_named(folders, tmp_path):
    root = tmp_path / 'videos'
    os.makedirs(root / 'dribbling')
    _clip(str(root / 'dribbling' / 'd0.mp4'))
    os.makedirs(root / 'nothing')                        # empty class folder
    with pytest.raises(MediaError, match=r'nothing: class folder without videos'):
        ClassFolderVideoDataset(str(root), pipeline=[])
    (root / 'nothing' / 'n0.mp4').write_bytes(b'')        # zero decodable frames
    with pytest.raises(MediaError, match=r'n0\.mp4: cannot be opened as a video'):
        ClassFolderVideoDataset(str(root), pipeline=[])
    with pytest.raises(MediaError, match=r"class folder\(s\) \['shooting'\] missing"):
        ClassFolderVideoDataset(str(root), classes=['dribbling', 'shooting'], pipeline=[])
    with pytest.raises(MediaError, match='no such folder'):
        ClassFolderVideoDataset(str(root / 'nope'), pipeline=[])
