import cv2
import numpy as np

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
