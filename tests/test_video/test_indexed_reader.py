"""The OpenCV stand-in for decord's reader: same frames, same interface, errors named."""
import os

import cv2
import numpy as np
import pytest

from mmsport.fileio.media import MediaError
from mmsport.testing.ball_layouts import write_video
from mmsport.video.indexed_reader import OpenCVIndexedReader


def test_frames_match_decord_and_errors_name_the_file(tmp_path):
    import decord
    frames = []
    for i in range(6):
        frames.append(str(tmp_path / f'{i}.jpg'))
        cv2.imwrite(frames[-1], np.full((48, 64, 3), (20 * i, 100, 200 - 20 * i), np.uint8))
    video = str(tmp_path / 'v.mp4')
    write_video(video, frames, fps=24)
    ours, ref = OpenCVIndexedReader(video), decord.VideoReader(video)
    assert len(ours) == len(ref) == 6 and round(ours.get_avg_fps()) == 24
    got = ours.get_batch([4, 1, 1]).asnumpy()
    want = ref.get_batch([4, 1, 1]).asnumpy()
    assert got.shape == want.shape == (3, 48, 64, 3)
    assert np.abs(got.astype(int) - want.astype(int)).max() <= 8   # RGB both, codec rounding
    with pytest.raises(IndexError, match='frame 6 outside 0..5'):
        ours.get_batch([6])
    empty = tmp_path / 'empty.mp4'
    empty.write_bytes(b'')
    with pytest.raises(MediaError, match='empty.mp4: cannot be opened'):
        OpenCVIndexedReader(str(empty))


def test_classify_opens_missing_and_folder_paths_with_a_clear_error(tmp_path):
    from mmsport.apis.recognition import open_reader
    with pytest.raises(MediaError, match='no such video file'):
        open_reader(str(tmp_path / 'nope.mp4'))
    with pytest.raises(MediaError, match='is a folder'):
        open_reader(str(tmp_path))
    assert os.path.isdir(tmp_path)
