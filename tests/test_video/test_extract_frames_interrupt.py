"""mmsport.video.extract_frames under SIGTERM / SIGKILL of the parent: the workers stop,
no temporary folder survives, every output folder is finished, the summary counts it."""
import os
import signal
import subprocess
import sys
import time

import pytest

from mmsport.cli import extract_frames as ext_cli
from mmsport.cli import make_synthetic_recognition as gen
from mmsport.video import extract_frames as ext

pytestmark = pytest.mark.skipif(not os.path.isdir('/proc/self/task'),
                                reason='needs /proc to list worker processes')

# The parent extracts with 2 forked workers, each frame slowed down to 0.15 s, so that a
# signal lands while both workers are writing (16 frames a video, 4 videos).
SCRIPT = """
import sys, time
from mmsport.video import extract_frames as ext
real = ext._write_frames
def slow(frames, tmp, cfg):
    def paced():
        for f in frames:
            time.sleep(0.15)
            yield f
    return real(paced(), tmp, cfg)
ext._write_frames = slow
from mmsport.cli import extract_frames as cli
sys.exit(cli.main(sys.argv[1:]))
"""


@pytest.fixture(scope='module')
def videos(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('rec'))
    assert gen.main(['--out', root, '--train', '3', '--test', '1', '--frames', '16',
                     '--width', '64', '--height', '48']) == 0
    return os.path.join(root, 'videos')


def _children(pid):
    """Pids whose parent is ``pid`` (from /proc)."""
    out = []
    for d in os.listdir('/proc'):
        try:
            with open(f'/proc/{d}/stat') as f:
                fields = f.read().rsplit(')', 1)[1].split()
        except (OSError, IndexError):
            continue
        if d.isdigit() and int(fields[1]) == pid:
            out.append(int(d))
    return out


def _running(pid):
    """True while ``pid`` exists and is not a zombie."""
    try:
        with open(f'/proc/{pid}/stat') as f:
            return f.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except OSError:
        return False


def _wait(cond, timeout=20.0):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


def _temps(out):
    return [d for d in os.listdir(out) if d.endswith('.tmp')] if os.path.isdir(out) else []


def _start(videos, out):
    """Start the slowed-down extraction; returns (process, worker pids) once both workers
    are half-way through a video."""
    proc = subprocess.Popen([sys.executable, '-c', SCRIPT, videos, out, '--num-workers', '2'],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    busy = lambda: len([d for d in _temps(out)  # noqa: E731
                        if len(os.listdir(os.path.join(out, d))) >= 2]) == 2
    assert _wait(busy), proc.communicate(timeout=30)
    workers = _children(proc.pid)
    assert len(workers) == 2
    return proc, workers


def _assert_nothing_half_written(out):
    assert not _temps(out)
    for d in os.listdir(out):  # every folder that looks finished is finished
        n = ext.done_count(os.path.join(out, d))
        assert n == 16 and len(os.listdir(os.path.join(out, d))) == 17


def test_sigterm_stops_workers_and_removes_partial_output(videos, tmp_path):
    out = str(tmp_path / 'frames')
    proc, workers = _start(videos, out)
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stderr
    assert _wait(lambda: not any(map(_running, workers)), 10), 'orphan worker left'
    _assert_nothing_half_written(out)
    done = len(os.listdir(out))
    assert f'interrupted: {done} extracted' in stderr, stderr
    assert f'{4 - done} not finished' in stderr
    # a re-run resumes: the finished videos are skipped, the others extracted
    assert ext_cli.main([videos, out]) == 0
    assert sorted(ext.done_count(os.path.join(out, d)) for d in os.listdir(out)) == [16] * 4


def test_sigkill_of_parent_stops_workers(videos, tmp_path):
    out = str(tmp_path / 'frames')
    proc, workers = _start(videos, out)
    proc.kill()
    proc.communicate(timeout=30)
    # the kernel sends the workers SIGTERM (PR_SET_PDEATHSIG); each removes its temp folder
    assert _wait(lambda: not any(map(_running, workers)), 10), 'orphan worker left'
    assert _wait(lambda: not _temps(out), 5)
    _assert_nothing_half_written(out)
