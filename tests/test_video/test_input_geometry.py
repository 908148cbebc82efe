"""Input geometry of ball trackers: aspect kept, training scale, fps-aware stacks."""
import doctest

import pytest

from mmsport.video import input_geometry
from mmsport.video.input_geometry import frame_stride, model_input_size, stack_indices


def test_doctests():
    assert doctest.testmod(input_geometry).failed == 0


@pytest.mark.parametrize('full, size, scale, expected', [
    ((1280, 720), (640, 360), None, (640, 360)),     # the training case is unchanged
    ((1920, 1080), (640, 360), None, (640, 360)),
    ((2048, 1536), (640, 360), None, (480, 360)),    # 4:3 fitted by height, not stretched
    ((720, 1280), (640, 360), None, (202, 360)),     # portrait (202.5 rounds to even)
    ((2048, 1536), (640, 360), 0.5, (1024, 768)),    # the training videos' scale
    ((1280, 720), (320, 180), 0.5, (640, 360)),      # the scale wins over input_size
])
def test_model_input_size(full, size, scale, expected):
    w, h = model_input_size(full, size, scale)
    assert (w, h) == expected
    assert abs(w / h - full[0] / full[1]) < 0.01   # aspect kept to rounding


def test_model_input_size_rejects_bad_values():
    with pytest.raises(ValueError, match='positive'):
        model_input_size((0, 720), (640, 360))
    with pytest.raises(ValueError, match='input_scale'):
        model_input_size((1280, 720), (640, 360), -0.5)


def test_frame_stride_and_stack_indices():
    assert [frame_stride(f, 30) for f in (30, 60, 84, 120, 240, 24)] == [1, 2, 3, 4, 8, 1]
    assert frame_stride(120, None) == frame_stride(0, 30) == 1
    assert stack_indices(0, 3) == [0, 0, 0]
    assert stack_indices(10, 3, 4) == [2, 6, 10]
    assert stack_indices(3, 5, 2) == [0, 0, 0, 1, 3]
