"""mmsport.video.extract_frames (tools/data/extract_frames.py): layout, resume, corrupt
videos, crash leftovers."""
import os
import shutil

import cv2
import decord
import numpy as np
import pytest

from mmsport.cli import extract_frames as ext_cli
from mmsport.cli import make_synthetic_recognition as gen
from mmsport.video import extract_frames as ext


@pytest.fixture(scope='module')
def videos(tmp_path_factory):
    """Folder with 3 train + 1 test synthetic videos (16 frames, 64x48) in two subfolders."""
    root = str(tmp_path_factory.mktemp('rec'))
    assert gen.main(['--out', root, '--train', '3', '--test', '1', '--frames', '16',
                     '--width', '64', '--height', '48']) == 0
    return os.path.join(root, 'videos')


def _stems(videos):
    return sorted(os.path.splitext(f)[0] for _, _, fs in os.walk(videos) for f in fs)


def _snapshot(folder):
    return sorted((os.path.relpath(os.path.join(r, f), folder), os.path.getmtime(
        os.path.join(r, f))) for r, _, fs in os.walk(folder) for f in fs)


def test_layout_matches_decoded_frames(videos, tmp_path, capsys):
    out, before = str(tmp_path / 'frames'), _snapshot(videos)
    lst = str(tmp_path / 'frames' / 'list.txt')
    assert ext_cli.main([videos, out, '--list', lst]) == 0
    assert '4 extracted' in capsys.readouterr().out
    assert sorted(d for d in os.listdir(out) if d != 'list.txt') == _stems(videos)
    for stem in _stems(videos):
        path = [os.path.join(r, f) for r, _, fs in os.walk(videos) for f in fs
                if f.startswith(stem)][0]
        n = len(decord.VideoReader(path))
        files = sorted(os.listdir(os.path.join(out, stem)))
        assert files == ['.done'] + [f'img_{i:05d}.jpg' for i in range(1, n + 1)]
        assert ext.done_count(os.path.join(out, stem)) == n == 16
        first = cv2.imread(os.path.join(out, stem, 'img_00001.jpg'))
        assert first.shape == (48, 64, 3)
        ref = decord.VideoReader(path)[0].asnumpy()[:, :, ::-1].astype(int)
        assert np.abs(first.astype(int) - ref).mean() < 4  # same frame, JPEG q90
    with open(lst) as f:
        assert f.read().split('\n')[:-1] == [f'{s} 16' for s in _stems(videos)]
    assert _snapshot(videos) == before
    assert not [d for d in os.listdir(out) if d.endswith('.tmp')]


def test_resize_every_and_opencv_backend(videos, tmp_path):
    out = str(tmp_path / 'o')
    assert ext_cli.main([videos, out, '--short-side', '24', '--every', '3', '--backend', 'opencv',
                     '--quality', '70']) == 0
    stem = _stems(videos)[0]
    jpgs = sorted(f for f in os.listdir(os.path.join(out, stem)) if f.endswith('.jpg'))
    assert jpgs == [f'img_{i:05d}.jpg' for i in range(1, 7)]  # frames 0, 3, ..., 15
    assert cv2.imread(os.path.join(out, stem, jpgs[0])).shape == (24, 32, 3)


def test_rerun_skips_finished_videos(videos, tmp_path, capsys):
    out = str(tmp_path / 'frames')
    assert ext_cli.main([videos, out]) == 0
    before = _snapshot(out)
    capsys.readouterr()
    assert ext_cli.main([videos, out, '--num-workers', '2']) == 0
    out_text = capsys.readouterr().out
    assert '0 extracted' in out_text and '4 skipped' in out_text
    assert _snapshot(out) == before


def test_corrupt_video_reported_and_skipped(videos, tmp_path, capsys):
    src = str(tmp_path / 'src')
    shutil.copytree(videos, src)
    bad = os.path.join(src, 'broken.mp4')
    with open(bad, 'wb') as f:
        f.write(np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8).tobytes())
    out = str(tmp_path / 'frames')
    assert ext_cli.main([src, out, '--num-workers', '2']) == 1
    cap = capsys.readouterr()
    assert f'FAILED {bad}' in cap.err
    assert '4 extracted' in cap.out and '1 failed' in cap.out
    assert sorted(os.listdir(out)) == _stems(videos)  # no folder, no temp for the bad one
    for stem in _stems(videos):
        assert ext.done_count(os.path.join(out, stem)) == 16


def test_crash_leftovers_are_redone(videos, tmp_path):
    out = str(tmp_path / 'frames')
    a, b, c = _stems(videos)[:3]
    os.makedirs(os.path.join(out, f'.{a}.tmp'))  # crash while writing a
    open(os.path.join(out, f'.{a}.tmp', 'img_00001.jpg'), 'w').close()
    os.makedirs(os.path.join(out, b))  # a half folder from some older run, no marker
    open(os.path.join(out, b, 'img_00001.jpg'), 'w').close()
    assert ext_cli.main([videos, out]) == 0
    for stem in (a, b):
        assert ext.done_count(os.path.join(out, stem)) == 16
        assert len(os.listdir(os.path.join(out, stem))) == 17
        assert cv2.imread(os.path.join(out, stem, 'img_00001.jpg')) is not None
    assert not os.path.exists(os.path.join(out, f'.{a}.tmp'))
    # a temp left after the video had finished is cleaned, the video is skipped
    os.makedirs(os.path.join(out, f'.{c}.tmp'))
    assert ext_cli.main([videos, out]) == 0
    assert not os.path.exists(os.path.join(out, f'.{c}.tmp'))


def test_list_file_source_with_labels(videos, tmp_path):
    paths = sorted(os.path.join(r, f) for r, _, fs in os.walk(videos) for f in fs)
    src = str(tmp_path / 'videos.txt')
    with open(src, 'w') as f:
        f.write(f'{os.path.relpath(paths[0], str(tmp_path))} 3\n{paths[1]} 0\n')
    out, lst = str(tmp_path / 'frames'), str(tmp_path / 'frames.txt')
    assert ext_cli.main([src, out, '--list', lst]) == 0
    stems = [os.path.splitext(os.path.basename(p))[0] for p in paths[:2]]
    assert sorted(os.listdir(out)) == sorted(stems)
    with open(lst) as f:
        assert sorted(f.read().split('\n')[:-1]) == sorted([f'{stems[0]} 16 3',
                                                            f'{stems[1]} 16 0'])


def test_missing_source_and_duplicate_stems(videos, tmp_path, capsys):
    assert ext_cli.main([str(tmp_path / 'nope'), str(tmp_path / 'o')]) == 1
    src = str(tmp_path / 'src')
    os.makedirs(os.path.join(src, 'a'))
    os.makedirs(os.path.join(src, 'b'))
    one = sorted(os.path.join(r, f) for r, _, fs in os.walk(videos) for f in fs)[0]
    shutil.copy(one, os.path.join(src, 'a', 'same.mp4'))
    shutil.copy(one, os.path.join(src, 'b', 'same.mp4'))
    capsys.readouterr()
    assert ext_cli.main([src, str(tmp_path / 'o')]) == 1
    cap = capsys.readouterr()
    assert 'same stem' in cap.err and '1 extracted' in cap.out


def test_worker_crash_fails_only_its_video(videos, tmp_path, capsys, monkeypatch):
    victim = _stems(videos)[1]
    real = ext.extract_one

    def crashing(task):
        if task[1] == victim:  # dies like a decoder segfault, half way through
            os.makedirs(os.path.join(task[2]['out'], f'.{victim}.tmp'))
            open(os.path.join(task[2]['out'], f'.{victim}.tmp', 'img_00001.jpg'), 'w').close()
            os._exit(11)
        return real(task)

    monkeypatch.setattr(ext, 'extract_one', crashing)
    out = str(tmp_path / 'frames')
    assert ext_cli.main([videos, out, '--num-workers', '2']) == 1
    cap = capsys.readouterr()
    assert 'worker process died' in cap.err and victim in cap.err
    assert '3 extracted' in cap.out and '1 failed' in cap.out
    assert sorted(os.listdir(out)) == [s for s in _stems(videos) if s != victim]
