"""The streamer shows a source to the model as the dataset does: aspect kept, training
scale, and stacks sampled at the training frame rate on a 120 fps video."""
import os

import cv2
import numpy as np

from mmsport.apis import BallTrackStreamer, open_frames
from mmsport.testing.ball_layouts import write_video
from mmsport.testing.trackers import RecordingTracker


def _numbered_video(path, n, size, fps):
    """Frame i is a flat image of value 8 + 12 * i (so each stack names its frames)."""
    w, h = size
    frames = []
    d = os.path.dirname(path)
    for i in range(n):
        f = os.path.join(d, f'f{i:03d}.jpg')
        cv2.imwrite(f, np.full((h, w, 3), 8 + 12 * i, np.uint8))
        frames.append(f)
    write_video(path, frames, fps=fps)


def _frame_numbers(stack):  # (3S, h, w) -> the frame number of each of the S frames
    return [int(round((float(stack[3 * j:3 * j + 3].mean()) - 8) / 12))
            for j in range(len(stack) // 3)]


def test_120fps_video_stacks_every_4th_frame_and_predicts_every_frame(tmp_path):
    video = str(tmp_path / 'fast.mp4')
    _numbered_video(video, 20, (64, 48), fps=120)
    model = RecordingTracker()
    streamer = BallTrackStreamer(model, 3, (32, 24), batch_size=4, target_fps=30)
    frames = open_frames(video)
    assert round(frames.fps) == 120
    track, _ = streamer.run(frames)
    assert track.shape == (20, 3)                           # every frame gets a prediction
    got = [_frame_numbers(s) for s in model.seen]
    assert got[10] == [2, 6, 10] and got[19] == [11, 15, 19] and got[1] == [0, 0, 1]
    # without a target rate the stacks are consecutive frames, as before
    model.seen.clear()
    BallTrackStreamer(model, 3, (32, 24), batch_size=4).run(open_frames(video))
    assert _frame_numbers(model.seen[10]) == [8, 9, 10]


def test_4x3_video_keeps_its_aspect_and_maps_positions_back_exactly(tmp_path):
    video = str(tmp_path / 'gym.mp4')
    _numbered_video(video, 4, (128, 96), fps=30)
    model = RecordingTracker(peak_xy=(10, 20))
    fitted = BallTrackStreamer(model, 3, (64, 36), batch_size=2)
    track, _ = fitted.run(open_frames(video))
    assert model.seen[0].shape == (9, 36, 48)               # 4:3 fitted, not stretched to 64x36
    scale = 128 / 48
    np.testing.assert_allclose(track[:, 1:], [[(10 + 0.5) * scale - 0.5,
                                                (20 + 0.5) * scale - 0.5]] * 4, atol=1e-4)
    model.seen.clear()
    BallTrackStreamer(model, 3, (64, 36), batch_size=2, input_scale=0.5).run(open_frames(video))
    assert model.seen[0].shape == (9, 48, 64)               # the training scale: half of 128x96


def test_background_frame_reaches_the_model_as_in_training(tiny_tennis_root):
    """A dataset with ``background_window`` and the streamer give identical stacks:
    3 frames + the background, on a 16-frame clip cut into 6-frame segments (4-frame tail)."""
    from mmengine.registry import DATASETS
    clip = os.path.join(tiny_tennis_root, 'test', 'game1', 'clip1')
    ds = DATASETS.build(dict(
        type='mmsport.BallTrackingDataset', data_root=os.path.join(tiny_tennis_root, 'test'),
        input_size=(80, 48), background_window=6, test_mode=True,
        pipeline=[dict(type='mmsport.LoadBallFrameStack', reduced_decode=False),
                  dict(type='mmsport.PackBallInputs')]))
    ref = np.stack([ds[i]['inputs'].numpy() for i in range(len(ds))])
    assert ref.shape == (16, 12, 45, 80)                    # 320x180 fitted in 80x48
    model = RecordingTracker()
    io = type(ds).io_settings(dict(input_size=(80, 48), background_window=6))
    track, _ = BallTrackStreamer(model, batch_size=5, **io).run(open_frames(clip))
    assert track.shape == (16, 3)
    np.testing.assert_array_equal(np.stack(model.seen), ref)
    assert not np.array_equal(ref[0, 9:], ref[7, 9:])       # segments differ
    np.testing.assert_array_equal(ref[12, 9:], ref[15, 9:])  # the tail is one segment
