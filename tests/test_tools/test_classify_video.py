"""mmsport.apis.recognition (tools/recognition/inference.py): every frame
decoded once, the same scores as mmaction's own video path (DecordInit / DecordDecode)."""
import glob
import os

import decord
import numpy as np
import pytest
from mmaction.apis import inference_recognizer
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope

from mmsport.apis import init_model
from mmsport.apis import recognition as cv

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CFG = os.path.join(REPO, 'configs', 'recognition',
                   'tsm_r18_heavyaug_8xb8-1x1x8-60e_actionrec-synthetic-64x64.py')


class CountingReader:
    """A decord reader that records the indices of every ``get_batch`` call."""

    def __init__(self, path):
        self.reader, self.calls = decord.VideoReader(path), []

    def __len__(self):
        return len(self.reader)

    def get_batch(self, idx):
        self.calls.append(list(idx))
        return self.reader.get_batch(idx)


@pytest.fixture(scope='module')
def video(tiny_recognition_root):
    return sorted(glob.glob(os.path.join(tiny_recognition_root, 'videos', 'test', '*.mp4')))[0]


def test_decode_frames_once_forward(video):
    reader = CountingReader(video)
    n = len(reader)
    full = decord.VideoReader(video).get_batch(list(range(n))).asnumpy()
    keep, det = [5, 0, 5, n - 1], list(range(0, n, 4))
    seen, stats = [], {}
    imgs = cv.decode_frames(reader, keep, 4, seen.append, chunk_frames=3, stats=stats)
    decoded = sum(reader.calls, [])
    assert decoded == sorted(set(keep) | set(det))  # each once, forward
    assert all(len(c) <= 3 for c in reader.calls)
    assert stats == dict(decoded_frames=len(decoded), decode_calls=len(reader.calls))
    assert len(imgs) == len(keep) and all(np.array_equal(a, full[i]) for a, i in zip(imgs, keep))
    assert len(seen) == len(det) and all(np.array_equal(f, full[i]) for f, i in zip(seen, det))
    assert cv.decode_frames(CountingReader(video), [3], 0, seen.append)[0].shape == full[3].shape
    assert len(seen) == len(det)  # no detector frames with every=0


def test_scores_equal_mmaction_video_pipeline(video):
    cfg = Config.fromfile(CFG)
    model = init_model(cfg, None)  # random weights: only the plumbing is compared
    init_default_scope('mmaction')
    sample, tail = cv.split_pipeline(cfg.test_pipeline)
    assert [t['type'] for t in sample] == ['SampleFrames']
    reference = [dict(type='DecordInit')] + sample + [dict(type='DecordDecode')] + tail
    want = inference_recognizer(model, video, test_pipeline=Compose(reference))
    want = want.pred_score.float().numpy()
    got, evidence = cv.classify(video, model, Compose(sample), Compose(tail))
    assert evidence is None and got.shape == want.shape == (len(want), )
    assert np.ptp(want) > 1e-3  # not a flat output that any input would match
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)
    with pytest.raises(ValueError, match='SampleFrames'):
        cv.split_pipeline([dict(type='DecordInit'), dict(type='DecordDecode')])


def test_a_clip_decord_cannot_decode_is_read_with_opencv(tmp_path):
    """decord 0.6 fails on some small clips (here 24 px wide); classify falls back to OpenCV
    and gives the scores of the same frames read through mmaction2's OpenCV pipeline."""
    import cv2

    from mmsport.testing.ball_layouts import write_video
    frames = []
    for i in range(7):
        frames.append(str(tmp_path / f'{i}.jpg'))  # (PNG reading breaks once decord is loaded)
        img = np.full((40, 24, 3), 30, np.uint8)
        img[4 * i:4 * i + 4] = 220
        cv2.imwrite(frames[-1], img)
    video = str(tmp_path / 'narrow.mp4')
    write_video(video, frames, fps=24)
    cfg = Config.fromfile(CFG)
    model = init_model(cfg, None)
    init_default_scope('mmaction')
    sample, tail = cv.split_pipeline(cfg.test_pipeline)
    reference = [dict(type='OpenCVInit')] + sample + [dict(type='OpenCVDecode')] + tail
    want = inference_recognizer(model, video, test_pipeline=Compose(reference))
    got, _ = cv.classify(video, model, Compose(sample), Compose(tail))
    np.testing.assert_allclose(got, want.pred_score.float().numpy(), rtol=0, atol=1e-5)
