"""mmsport.visualization.tracking_video: overlays and the atomic video writer."""
import signal
import subprocess
import sys

import cv2
import numpy as np
import pytest

from mmsport.visualization import TrackingVideoWriter, draw_ball_overlay, draw_heatmap_overlay


def test_overlays_draw_where_expected():
    frame = np.zeros((90, 160, 3), np.uint8)
    out = draw_ball_overlay(frame, [(1, 20, 20), (1, 40, 30), (1, 60, 40)], gt=(1, 60, 40),
                            text='x')
    assert out[40, 60 + 8].any()  # marker ring around the newest prediction
    assert out[25, 30].any()  # tail segment between (20, 20) and (40, 30)
    assert not frame.any()  # input untouched
    heat = np.zeros((9, 16), np.float32)
    heat[4, 8] = 1.0
    blended = draw_heatmap_overlay(frame, heat)
    assert blended[45, 85, 2] > 100 and blended[0, 0].sum() == 0


def test_writer_is_atomic_and_readable(tmp_path):
    path = str(tmp_path / 'v.mp4')
    with TrackingVideoWriter(path, 25, (64, 48)) as vw:
        for i in range(7):
            vw.write(np.full((48, 64, 3), i * 30, np.uint8))
    cap = cv2.VideoCapture(path)
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 7
    try:
        with TrackingVideoWriter(str(tmp_path / 'fail.mp4'), 25, (64, 48)) as vw:
            vw.write(np.zeros((48, 64, 3), np.uint8))
            raise RuntimeError('boom')
    except RuntimeError:
        pass
    assert not list(tmp_path.glob('fail*'))


def test_partial_file_never_looks_finished(tmp_path):
    path = tmp_path / 'v.mp4'
    with TrackingVideoWriter(str(path), 25, (64, 48)) as vw:
        vw.write(np.zeros((48, 64, 3), np.uint8))
        assert sorted(p.name for p in tmp_path.iterdir()) == ['v.mp4.part']
        assert not list(tmp_path.glob('*.mp4'))
    assert sorted(p.name for p in tmp_path.iterdir()) == ['v.mp4']


# Writes frames slowly, with SIGTERM turned into KeyboardInterrupt as tools do.
SCRIPT = """
import sys, time
import numpy as np
import signal
from mmsport.utils.interrupt import sigterm_as_interrupt
from mmsport.visualization import TrackingVideoWriter
# Ctrl-C as in a terminal: a job started in the background by a shell (CI, nohup ... &)
# inherits SIGINT ignored, and Python then installs no KeyboardInterrupt handler
signal.signal(signal.SIGINT, signal.default_int_handler)
with sigterm_as_interrupt(), TrackingVideoWriter(sys.argv[1], 25, (64, 48)) as vw:
    for i in range(10000):
        vw.write(np.full((48, 64, 3), i % 255, np.uint8))
        if i == 0:
            print('writing', flush=True)
        time.sleep(0.01)
"""


@pytest.mark.parametrize('sig', [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_interrupted_writer_leaves_nothing_finished_looking(tmp_path, sig):
    out = tmp_path / 'out' / 'clip.mp4'
    proc = subprocess.Popen([sys.executable, '-c', SCRIPT, str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline() == 'writing\n', proc.communicate(timeout=30)
    assert (tmp_path / 'out' / 'clip.mp4.part').exists()
    proc.send_signal(sig)
    proc.communicate(timeout=30)
    assert proc.returncode != 0
    assert not list(tmp_path.rglob('*.mp4'))
    # a clean interruption removes the partial file; SIGKILL cannot, but its name says so
    left = sorted(p.name for p in (tmp_path / 'out').iterdir())
    assert left == (['clip.mp4.part'] if sig == signal.SIGKILL else [])
