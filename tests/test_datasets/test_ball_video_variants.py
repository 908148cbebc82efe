"""Labelled source variants of a rally: labels follow the frames (crop, upsample, 120 fps)."""
import os

import numpy as np
import pytest

from mmsport.datasets.preparation.ball_video_variants import make_variant
from mmsport.fileio.ball_tracking import BallClip, read_clip_labels
from mmsport.video.frame_cache import probe_video


@pytest.fixture(scope='module')
def rally(tiny_tennis_root, tmp_path_factory):
    from mmsport.testing.ball_layouts import write_ball_layout
    root = write_ball_layout(os.path.join(tiny_tennis_root, 'test'),
                             str(tmp_path_factory.mktemp('vc')), 'video_csv')
    stem = next(n[:-4] for n in os.listdir(root) if n.endswith('.mp4'))
    return os.path.join(root, stem + '.mp4'), os.path.join(root, stem + '.csv')


def _labels(video):
    size = probe_video(video)[0]
    clip = BallClip('x', video, video[:-4] + '.csv', 'video_csv')
    return size, read_clip_labels(clip, size)


@pytest.mark.parametrize('variant, size, factor', [('crop43', (240, 180), 1),
                                                   ('upsample', (640, 480), 1),
                                                   ('fps120', (320, 180), 4),
                                                   ('reencode', (320, 180), 1)])
def test_variant_frames_and_labels(rally, tmp_path, variant, size, factor):
    video, labels = rally
    (w, h), gt = _labels(video)
    out = make_variant(video, labels, str(tmp_path), variant, size=(640, 480))
    (nw, nh), n_frames, fps = probe_video(out)
    (_, got) = _labels(out)
    assert (nw, nh) == size and n_frames == len(got) == factor * len(gt)
    on = gt[:, 0] != 0
    if variant == 'crop43':
        inside = on & (gt[:, 1] >= 40) & (gt[:, 1] < 280)
        np.testing.assert_allclose(got[inside, 1], gt[inside, 1] - 40, atol=0.01)
        assert not got[on & ~inside, 0].any()
    elif variant == 'upsample':
        np.testing.assert_allclose(got[on, 1], (gt[on, 1] + 0.5) * 2 - 0.5, atol=0.01)
    elif variant == 'fps120':
        assert round(fps) == 120
        np.testing.assert_allclose(got[::4], np.where(on[:, None], gt, [0, -1, -1]), atol=0.01)
        both = on[:-1] & on[1:]
        mid = got[2:-4:4][both]                             # halfway to the next frame
        np.testing.assert_allclose(mid[:, 1], (gt[:-1, 1][both] + gt[1:, 1][both]) / 2,
                                   atol=0.01)
    else:
        np.testing.assert_allclose(got, gt, atol=0.01)
