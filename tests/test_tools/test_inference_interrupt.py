"""Ball-tracking inference stopped with SIGTERM or Ctrl-C (SIGINT): exit 130, a summary,
finished clips kept, and no partial file left (docs/bad_inputs.md)."""
import os
import signal
import subprocess
import sys
import time

import cv2
import numpy as np
import pytest

from mmsport.testing.ball_layouts import write_video

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
pytestmark = pytest.mark.slow


@pytest.fixture(scope='module')
def long_videos(tmp_path_factory):
    d = tmp_path_factory.mktemp('long')
    frames = []
    for i in range(4):
        img = np.full((180, 320, 3), 40 * i, np.uint8)
        frames.append(str(d / f'{i}.jpg'))
        cv2.imwrite(frames[-1], img)
    videos = []
    for k in range(3):
        videos.append(str(d / f'v{k}.mp4'))
        write_video(videos[-1], frames * 150)  # 600 frames each
    return videos


@pytest.mark.parametrize('sig', [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_cleanly(tiny_tracker_files, long_videos, tmp_path, sig):
    cfg, ckpt = tiny_tracker_files
    out = tmp_path / 'out'
    proc = subprocess.Popen([sys.executable, 'tools/inference.py', cfg, ckpt, *long_videos,
                             '--out-dir', str(out), '--vis', '--batch-size', '4'],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=dict(os.environ, PYTHONPATH=REPO,
                                                OMP_NUM_THREADS='1'),
                            # a terminal's child: Ctrl-C not ignored even when this test
                            # runs in a background job (which ignores SIGINT)
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:  # wait for a clip in progress
        if out.is_dir() and any(n.endswith('.part') for n in os.listdir(out)):
            break
        time.sleep(0.05)
    assert proc.poll() is None, 'inference ended before it could be interrupted'
    proc.send_signal(sig)
    log, _ = proc.communicate(timeout=120)
    assert proc.returncode == 130, log[-3000:]
    assert 'interrupted:' in log and 'Traceback' not in log, log[-3000:]
    left = os.listdir(out)
    assert not [n for n in left if n.endswith(('.part', '.tmp'))], left
    for name in left:  # what is left under a final name is complete
        if name.endswith('.csv'):
            assert len(open(out / name).read().splitlines()) == 601
