"""SpottingStreamer: one decode, ring buffer, same scores as per-window predict calls."""
import os
import tracemalloc

import cv2
import numpy as np
import pytest
import torch
from mmaction.structures import ActionDataSample
from mmengine.dataset import pseudo_collate

from mmsport.apis.spotting import (SpottingStreamer, StackFeatureCache, init_model,
                                   load_raw_scores, offers_stack_reuse, raw_scores_path,
                                   save_raw_scores, spotting_io_settings)
from mmsport.video.frame_sources import VideoReadError
from mmsport.fileio.soccernet import game_videos, list_games
from mmsport.registry import MODELS
from mmsport.cli import make_synthetic_soccer as generator

T, STEP, SIZE = 6, 2, (48, 32)  # even T: the window reaches 6 frames back, 4 ahead
TINY = dict(type='SlowFusionStacker', num_classes=2, num_frames=T, stack_size=3,
            encoder_2d=dict(type='EfficientNetV2', arch='b0', drop_path_rate=0.0),
            feature_index_2d=2, num_3d_blocks=1, num_3d_features=16, num_3d_stack_proj=16,
            dropout=0.0, drop_path_rate_3d=0.0)


@pytest.fixture(scope='module')
def video(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('soccer'))
    generator.main(['--out', root, '--games', '1', '--seconds-per-half', '4',
                    '--width', '160', '--height', '96', '--seed', '1'])
    return game_videos(os.path.join(root, list_games(root)[0]))[1]  # 100 frames


@pytest.fixture(scope='module')
def model():
    from mmengine.registry import init_default_scope
    init_default_scope('mmsport')  # module fixtures run before the autouse scope fixture
    torch.manual_seed(0)
    return MODELS.build(TINY).eval()


def _decode(path):
    cap = cv2.VideoCapture(path)
    frames = []
    while True:
        ok, f = cap.read()
        if not ok:
            break
        frames.append(f)
    cap.release()
    return frames


def _reference(model, streamer, frames, flip=False):
    """pred_score of every centre from single-window ``test_step`` calls, (n, C)."""
    small = np.stack([streamer.preprocess_frame(f) for f in frames])  # (n, h, w)
    n, out = len(small), []
    for c in range(n):
        idx = np.clip(c + (np.arange(T) - T // 2) * STEP, 0, n - 1)
        win = small[idx][..., ::-1] if flip else small[idx]  # (T, h, w)
        batch = pseudo_collate([dict(inputs=torch.from_numpy(win.copy()),
                                     data_samples=ActionDataSample())])
        out.append(model.test_step(batch)[0].pred_score.numpy())
    return np.stack(out)


def test_streaming_equals_per_window_predict(model, video):
    streamer = SpottingStreamer(model, T, STEP, SIZE, batch_size=7)
    scores = streamer.run(video)
    frames = _decode(video)
    assert scores.shape == (len(frames), 2) == (100, 2) and scores.dtype == np.float32
    ref = _reference(model, streamer, frames)
    np.testing.assert_allclose(scores, ref, atol=1e-5)
    assert streamer.ring_size == 11 and streamer.n_frames == 100


def test_stride_interpolates_between_centres(model, video):
    frames = _decode(video)
    dense = SpottingStreamer(model, T, STEP, SIZE, batch_size=4).run_frames(frames)
    sparse = SpottingStreamer(model, T, STEP, SIZE, batch_size=4, stride=8).run_frames(frames)
    centres = list(range(0, 100, 8)) + [99]
    np.testing.assert_allclose(sparse[centres], dense[centres], atol=1e-5)
    mid = 0.5 * (dense[8] + dense[16])
    np.testing.assert_allclose(sparse[12], mid, atol=1e-5)
    np.testing.assert_allclose(sparse[98], (dense[96] * 1 + dense[99] * 2) / 3, atol=1e-5)


def test_flip_tta_is_mean_of_both(model, video):
    frames = _decode(video)[:30]
    streamer = SpottingStreamer(model, T, STEP, SIZE, batch_size=8, flip_tta=True)
    scores = streamer.run_frames(frames)
    ref = 0.5 * (_reference(model, streamer, frames) +
                 _reference(model, streamer, frames, flip=True))
    np.testing.assert_allclose(scores, ref, atol=1e-5)
    assert not np.allclose(scores, _reference(model, streamer, frames), atol=1e-4)


def test_fold_ensemble_is_mean_of_models(model, video):
    frames = _decode(video)[:20]
    torch.manual_seed(1)
    other = MODELS.build(TINY).eval()
    both = SpottingStreamer([model, other], T, STEP, SIZE).run_frames(frames)
    one = SpottingStreamer(model, T, STEP, SIZE).run_frames(frames)
    two = SpottingStreamer(other, T, STEP, SIZE).run_frames(frames)
    np.testing.assert_allclose(both, (one + two) / 2, atol=1e-6)


@pytest.mark.parametrize('n', [1, 3, 11])
def test_videos_shorter_than_a_window(model, video, n):
    frames = _decode(video)[:n]
    streamer = SpottingStreamer(model, T, STEP, SIZE, batch_size=4)
    np.testing.assert_allclose(streamer.run_frames(frames),
                               _reference(model, streamer, frames), atol=1e-5)
    assert streamer.reuses == [True]  # the stack-reusing path, stacks clamped to the video


def _frames(n, h=64, w=96):
    rng = np.random.default_rng(0)
    for _ in range(n):
        yield rng.integers(0, 256, (h, w, 3), dtype=np.uint8)  # made on the fly, never kept


def test_ring_memory_does_not_grow_with_length(model):
    streamer = SpottingStreamer(model, T, STEP, (24, 16), batch_size=8, stride=2)
    peaks, sizes = [], []
    for n in (100, 1000):
        tracemalloc.start()
        scores = streamer.run_frames(_frames(n))
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert scores.shape == (n, 2)
        sizes.append(streamer.buffer_bytes)
    assert sizes[0] == sizes[1] == (11 + 8 * T) * 16 * 24  # ring + one batch
    # 900 more frames of 18 kB would be 16 MB if kept; the output grows 8 bytes/frame
    assert peaks[1] - peaks[0] < 1_000_000


def test_raw_scores_round_trip_and_errors(tmp_path):
    scores = np.random.default_rng(0).random((50, 2)).astype(np.float32)
    path = raw_scores_path(str(tmp_path), 'league/season/game', 2)
    assert path.endswith(os.path.join('league', 'season', 'game', '2_raw_scores.npz'))
    save_raw_scores(path, scores, dict(game='league/season/game', half=2, classes=['A', 'B']))
    back, meta = load_raw_scores(path)
    np.testing.assert_array_equal(back, scores)
    assert meta == dict(game='league/season/game', half=2, classes=['A', 'B'])
    assert os.listdir(os.path.dirname(path)) == ['2_raw_scores.npz']  # no temp file left
    bad = tmp_path / 'bad.npz'
    bad.write_bytes(b'not an npz')
    with pytest.raises(ValueError, match='bad.npz'):
        load_raw_scores(str(bad))
    with pytest.raises(ValueError, match='missing.npz'):
        load_raw_scores(str(tmp_path / 'missing.npz'))


def test_corrupt_video_raises(model, tmp_path):
    junk = tmp_path / 'junk.mkv'
    junk.write_bytes(b'\x00garbage' * 100)
    with pytest.raises(VideoReadError, match='junk.mkv'):
        SpottingStreamer(model, T, STEP, SIZE).run(str(junk))


def test_init_model_and_settings_from_config(tmp_path, model):
    from mmengine.config import Config
    from mmengine.runner import save_checkpoint
    cfg = Config(dict(default_scope='mmsport', model=TINY,
                      test_dataloader=dict(dataset=dict(type='Unused', num_frames=T,
                                                        frame_step=STEP, input_size=SIZE)),
                      test_evaluator=dict(type='SpottingMAPMetric', data_root='',
                                          codec=dict(type='PeakSpottingCodec', height=0.3)),
                      inference=dict(stride=2)))
    cfg_path = str(tmp_path / 'cfg.py')
    cfg.dump(cfg_path)
    ckpt = str(tmp_path / 'm.pth')
    save_checkpoint(dict(state_dict=model.state_dict()), ckpt)
    loaded = init_model(cfg_path, ckpt)
    x = torch.rand(2, T, 32, 48)
    with torch.no_grad():
        torch.testing.assert_close(loaded(x), model(x))
    io = spotting_io_settings(loaded.cfg)
    assert (io['num_frames'], io['frame_step'], io['input_size'], io['stride']) == \
        (T, STEP, SIZE, 2)
    codec = io['codec']  # built once from the evaluator's config; unset settings: defaults
    assert (type(codec).__name__, codec.sigma, codec.height, codec.distance) == \
        ('PeakSpottingCodec', 3.0, 0.3, 15)
    assert io['classes'] == ('PASS', 'DRIVE')


# ---- stack reuse: each 2D stack encoded once, the head run per window ----

def _tiny(num_frames=T, seed=0):
    torch.manual_seed(seed)
    return MODELS.build(dict(TINY, num_frames=num_frames)).eval()


def _stack_keys(centres, t, k=3, step=STEP):
    """Every (first frame) key the windows at ``centres`` hold."""
    offsets = np.arange(t // k) * k * step - (t // 2) * step
    return {int(c + o) for c in centres for o in offsets}


@pytest.mark.parametrize('t', [6, 9])  # even T (2 stacks), odd T (3 stacks)
@pytest.mark.parametrize('stride', [1, 4, 6])
@pytest.mark.parametrize('flip', [False, True])
def test_stack_reuse_equals_window_by_window(video, t, stride, flip):
    frames = _decode(video)[:37]
    folds = [_tiny(t, seed=0), _tiny(t, seed=1)]
    kw = dict(batch_size=5, flip_tta=flip, stride=stride)
    reuse = SpottingStreamer(folds, t, STEP, SIZE, **kw)
    plain = SpottingStreamer(folds, t, STEP, SIZE, reuse_stacks=False, **kw)
    got, want = reuse.run_frames(frames), plain.run_frames(frames)
    assert reuse.reuses == [True, True] and plain.reuses == [False, False]
    np.testing.assert_allclose(got, want, atol=1e-5, rtol=0)
    centres = sorted(set(range(0, 37, stride)) | {36})
    n_keys = len(_stack_keys(centres, t))
    assert [c.encoded for c in reuse.caches] == [n_keys, n_keys]  # each stack once per fold
    if stride == 1:  # one new stack per window (plus the first window's others)
        assert n_keys == 37 + (t // 3 - 1) * 3 * STEP < len(centres) * (t // 3)
    assert all(not c.features for c in reuse.caches)  # freed at the end of the stream


def test_stack_reuse_on_videos_shorter_than_a_window(video):
    folds = [_tiny(9, seed=0), _tiny(9, seed=1)]
    for n in (1, 2, 5, 12):  # the 9-frame window spans 17 frames
        frames = _decode(video)[:n]
        kw = dict(batch_size=3, flip_tta=True)
        got = SpottingStreamer(folds, 9, STEP, SIZE, **kw).run_frames(frames)
        want = SpottingStreamer(folds, 9, STEP, SIZE, reuse_stacks=False,
                                **kw).run_frames(frames)
        assert got.shape == (n, 2)
        np.testing.assert_allclose(got, want, atol=1e-5, rtol=0)


@pytest.mark.parametrize('stride,batch', [(1, 8), (3, 4), (7, 2)])
def test_stack_cache_is_bounded_whatever_the_length(stride, batch):
    t, k = 9, 3
    model = _tiny(t)
    streamer = SpottingStreamer(model, t, STEP, (24, 16), batch_size=batch, stride=stride)
    bound = batch * stride + (t // k - 1) * k * STEP  # documented in mmsport.apis.spotting
    peaks = []
    for n in (60, 600):
        assert streamer.run_frames(_frames(n)).shape == (n, 2)
        cache = streamer.caches[0]
        peaks.append(cache.peak)
        centres = sorted(set(range(0, n, stride)) | {n - 1})
        assert cache.encoded == len(_stack_keys(centres, t))
    assert peaks[0] == peaks[1] <= bound  # 10x the frames, the same stacks held


def test_stack_cache_drops_a_stack_after_its_last_window():
    model = _tiny(9)
    cache = StackFeatureCache(model, 9, STEP)
    assert cache.keys(np.array([20])).tolist() == [[12, 18, 24]]  # back = 8, k * step = 6
    windows = np.zeros((2, 9, 16, 24), np.uint8)
    with torch.no_grad():
        cache.probs(windows, np.array([20, 21]))
    # the window at 21 is the last to hold key 13 (13 + back); 12 and 13 go
    assert sorted(cache.features) == [18, 19, 24, 25] and cache.encoded == 6


def test_models_without_stacks_keep_the_window_path(model, video):
    frames = _decode(video)[:15]
    early = MODELS.build(dict(type='EarlyFusion2D', num_frames=T, feature_index_2d=2,
                              encoder_2d=TINY['encoder_2d'], dropout=0.0)).eval()
    assert not offers_stack_reuse(early, T)
    assert not offers_stack_reuse(model, 9)  # head sized for another window
    assert offers_stack_reuse(model, T)
    mixed = SpottingStreamer([model, early], T, STEP, SIZE, batch_size=4, flip_tta=True)
    assert mixed.reuses == [True, False]
    plain = SpottingStreamer([model, early], T, STEP, SIZE, batch_size=4, flip_tta=True,
                             reuse_stacks=False)
    np.testing.assert_allclose(mixed.run_frames(frames), plain.run_frames(frames),
                               atol=1e-5, rtol=0)
