"""Media integrity checks: truncated JPEG / PNG files and short videos are named."""
import cv2
import numpy as np
import pytest

from mmsport.fileio.containers import load_npz, load_pickle
from mmsport.fileio.media import (MediaError, frame_count_problem, image_problem,
                                  read_image)


@pytest.fixture
def images(tmp_path):
    img = np.random.default_rng(0).integers(0, 255, (48, 64, 3), dtype=np.uint8)
    out = {}
    for ext in ('jpg', 'png'):
        p = tmp_path / f'full.{ext}'
        cv2.imwrite(str(p), img)
        data = p.read_bytes()
        for name, blob in (('cut', data[:len(data) // 2]), ('padded', data + b'\x00' * 8),
                           ('junk', data + b'trailer'), ('empty', b'')):
            q = tmp_path / f'{name}.{ext}'
            q.write_bytes(blob)
            out[f'{name}.{ext}'] = str(q)
        out[f'full.{ext}'] = str(p)
    return out


def test_complete_images_pass_truncated_ones_are_named(images):
    for ext in ('jpg', 'png'):
        for ok in ('full', 'padded', 'junk'):
            assert image_problem(images[f'{ok}.{ext}']) is None, (ok, ext)
            assert read_image(images[f'{ok}.{ext}']).shape == (48, 64, 3)
        cut = images[f'cut.{ext}']
        assert cv2.imread(cut) is not None or ext == 'png'  # OpenCV would not complain
        kind = 'JPEG' if ext == 'jpg' else 'PNG'
        assert image_problem(cut).startswith(f'truncated or corrupt {kind}')
        with pytest.raises(MediaError, match=f'{cut}: truncated or corrupt {kind}'):
            read_image(cut)
        assert image_problem(images[f'empty.{ext}']) == 'empty file'
    with pytest.raises(MediaError, match='missing.jpg: cannot be read'):
        read_image(images['full.jpg'].replace('full', 'missing'))
    flags = cv2.IMREAD_REDUCED_COLOR_2
    assert read_image(images['full.jpg'], flags).shape == (24, 32, 3)


def test_frame_count_problem():
    assert frame_count_problem(100, 100) is None
    assert frame_count_problem(98, 100) is None  # within 2% + 1 (estimated counts)
    assert frame_count_problem(120, 100) is None and frame_count_problem(5, 0) is None
    assert 'decoded 60 of the 100 frames' in frame_count_problem(60, 100)
    assert frame_count_problem(0, 100) == 'no frame could be decoded'


def test_containers_name_the_file(tmp_path):
    p = tmp_path / 'a.npz'
    np.savez(p, x=np.arange(3))
    assert load_npz(str(p), ('x',))['x'].tolist() == [0, 1, 2]
    with pytest.raises(ValueError, match=r"a.npz: not a npz file: no 'y' array"):
        load_npz(str(p), ('y',))
    p.write_bytes(p.read_bytes()[:40])
    with pytest.raises(ValueError, match='a.npz: not a readable npz file, truncated'):
        load_npz(str(p), ('x',))
    q = tmp_path / 'r.pkl'
    q.write_bytes(b'\x80\x04\x95junk')
    with pytest.raises(ValueError, match=r'r.pkl: not a readable pickle, truncated or '
                                         r'corrupt\? \('):
        load_pickle(str(q))
