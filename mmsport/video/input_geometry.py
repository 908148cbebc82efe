"""How a source video is shown to a ball tracker: its input size and frame stride.

A tracker trained on 1280x720 broadcasts at 30 fps saw the ball at a given pixel
size and moving a given distance between the frames of a stack. Another source keeps
both when:

* the aspect ratio is kept (a 4:3 camera is not stretched to 16:9), and
* the frame is scaled by the same factor as the training videos
  (``input_scale``: 0.5 turns 1280x720 into 640x360 and 2048x1536 into 1024x768),
  or, without a scale, fitted inside the configured ``input_size``;
* the frames of a stack are as far apart in time as in training
  (:func:`frame_stride`: every 4th frame of a 120 fps video for a 30 fps model),
  while every frame still gets a prediction.

The trackers are fully convolutional, so any input size runs; positions are decoded
at the heatmap's own size and scaled back by the full frame's size, exactly.
Torch-free (used by datasets, streamers and benchmarks).
"""
from typing import Optional, Sequence, Tuple


def model_input_size(full_size: Sequence[int], input_size: Sequence[int],
                     input_scale: Optional[float] = None) -> Tuple[int, int]:
    """The (w, h) a frame of ``full_size`` (W, H) is resized to, aspect ratio kept.

    Args:
        full_size: (W, H) of the source frames.
        input_size: (w, h) the model was configured with; without ``input_scale``
            the frame is fitted inside it (the limiting side equals it).
        input_scale: each side times this factor (the training videos' scale),
            whatever the source's size; overrides ``input_size``.

    Returns:
        (w, h), each at least 1.

    >>> model_input_size((1280, 720), (640, 360))
    (640, 360)
    >>> model_input_size((2048, 1536), (640, 360))        # 4:3 fitted, not stretched
    (480, 360)
    >>> model_input_size((2048, 1536), (640, 360), 0.5)   # the training scale
    (1024, 768)
    """
    fw, fh = (int(v) for v in full_size)
    if fw <= 0 or fh <= 0:
        raise ValueError(f'frame size must be positive, got {fw}x{fh}')
    if input_scale is not None:
        if not 0 < float(input_scale) <= 8:
            raise ValueError(f'input_scale must be in (0, 8], got {input_scale}')
        scale_w = scale_h = float(input_scale)
    else:
        scale_w = scale_h = min(input_size[0] / fw, input_size[1] / fh)
    return max(1, int(round(fw * scale_w))), max(1, int(round(fh * scale_h)))


def frame_stride(fps: Optional[float], target_fps: Optional[float]) -> int:
    """Frames between the frames of a stack, so a stack spans the training time step.

    ``round(fps / target_fps)``, at least 1; 1 when either rate is unknown (0 or None).

    >>> frame_stride(120, 30), frame_stride(84, 30), frame_stride(25, 30), frame_stride(None, 30)
    (4, 3, 1, 1)
    """
    if not fps or not target_fps or fps <= 0 or target_fps <= 0:
        return 1
    return max(1, int(round(float(fps) / float(target_fps))))


def stack_indices(t: int, stack_size: int, stride: int = 1) -> list:
    """Frame numbers of the stack that ends at frame ``t``, oldest first.

    Frames before the clip's start are the first frame repeated.

    >>> stack_indices(5, 3), stack_indices(5, 3, stride=4)
    ([3, 4, 5], [0, 1, 5])
    """
    return [max(0, t - (stack_size - 1 - i) * stride) for i in range(stack_size)]
