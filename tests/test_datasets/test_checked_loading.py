"""Checked image loaders: a truncated frame or crop is an error naming it, a whole one loads
exactly as the upstream step loads it."""
import os

import cv2
import numpy as np
import pytest

import mmsport  # noqa: F401  (registers the transforms)
from mmsport.fileio.media import MediaError
from mmsport.registry import TRANSFORMS


def _jpeg(path, seed=0):
    img = np.random.default_rng(seed).integers(0, 255, (24, 32, 3), dtype=np.uint8)
    cv2.imwrite(str(path), img)
    return path


def _truncate(path):
    data = open(path, 'rb').read()
    open(path, 'wb').write(data[:len(data) // 2])


def _raw_frames_results(frame_dir, n):
    return dict(frame_dir=str(frame_dir), filename_tmpl='img_{:05}.jpg', modality='RGB',
                frame_inds=np.arange(1, n + 1), clip_len=n, num_clips=1, offset=0)


def test_checked_raw_frame_decode(tmp_path):
    from mmaction.datasets.transforms import RawFrameDecode
    for i in range(1, 4):
        _jpeg(tmp_path / f'img_{i:05d}.jpg', seed=i)
    checked = TRANSFORMS.build(dict(type='CheckedRawFrameDecode'))
    ours = checked(_raw_frames_results(tmp_path, 3))
    ref = RawFrameDecode()(_raw_frames_results(tmp_path, 3))
    assert len(ours['imgs']) == 3
    for a, b in zip(ours['imgs'], ref['imgs']):
        np.testing.assert_array_equal(a, b)
    _truncate(tmp_path / 'img_00002.jpg')
    with pytest.raises(MediaError, match=r'img_00002\.jpg: truncated'):
        checked(_raw_frames_results(tmp_path, 3))


def test_checked_load_image_from_file(tmp_path):
    from mmcv.transforms import LoadImageFromFile
    path = str(_jpeg(tmp_path / 'crop.jpg'))
    ours = TRANSFORMS.build(dict(type='CheckedLoadImageFromFile'))(dict(img_path=path))
    np.testing.assert_array_equal(ours['img'], LoadImageFromFile()(dict(img_path=path))['img'])
    _truncate(path)
    with pytest.raises(MediaError, match='crop.jpg: truncated'):
        TRANSFORMS.build(dict(type='CheckedLoadImageFromFile'))(dict(img_path=path))
    skip = TRANSFORMS.build(dict(type='CheckedLoadImageFromFile', ignore_empty=True))
    assert skip(dict(img_path=path)) is None
    assert os.path.getsize(path) > 0


def test_checked_loader_reachable_from_mmdet_scope():
    from mmdet.registry import TRANSFORMS as MMDET_TRANSFORMS

    from mmsport.datasets.transforms.checked_loading import CheckedLoadImageFromFile
    import mmsport.datasets.transforms.mmdet_loading  # noqa: F401
    assert MMDET_TRANSFORMS.get('CheckedLoadImageFromFile') is CheckedLoadImageFromFile
