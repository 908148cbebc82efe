import json
import os
import pickle
import shutil

import cv2
import numpy as np
import pytest
import torch

from mmsport.datasets.samplers import SoccerWindowSampler
from mmsport.datasets.soccernet_ball_dataset import (SoccerNetBallDataset,
                                                     action_sampling_weights, dilate_frames)
from mmsport.fileio.soccernet import SoccerNetDataError, list_games, read_labels
from mmsport.datasets.transforms.soccer_window_transforms import (
    _FORK_ORPHANS, LoadSoccerWindow, RandomHorizontalFlipWindow, ResizedVideoReader,
    SoccerWindowTarget, chunk_bounds, decode_gray, open_video, window_indices)
from mmsport.cli import make_synthetic_soccer as generator

SECONDS, FPS, W, H = 8, 25, 160, 96
N = SECONDS * FPS
PIPELINE = [dict(type='LoadSoccerWindow'), dict(type='SoccerWindowTarget'),
            dict(type='RandomHorizontalFlipWindow', prob=0.5),
            dict(type='PackSoccerWindowInputs')]


@pytest.fixture(scope='module')
def root(tmp_path_factory):
    out = str(tmp_path_factory.mktemp('soccer_ball'))
    generator.main(['--out', out, '--games', '1', '--seconds-per-half', str(SECONDS),
                    '--width', str(W), '--height', str(H), '--seed', '3'])
    return out


@pytest.fixture(scope='module')
def game(root):
    return list_games(root)[0]


@pytest.fixture(scope='module')
def labels(root, game):
    return read_labels(os.path.join(root, game, 'Labels-ball.json'), ('PASS', 'DRIVE'))


def test_index_and_length(root, game, labels):
    ds = SoccerNetBallDataset(root, pipeline=PIPELINE)
    assert ds.num_halves == 2 and len(ds) == 2 * N  # train: every frame is a centre
    info = ds.get_data_info(N + 50)
    assert (info['game'], info['half'], info['frame'], info['n_frames']) == (game, 2, 50, N)
    assert info['video'].endswith('2_720p.mkv')
    assert info['label_frames'].tolist() == [x['frame'] for x in labels if x['half'] == 2]
    assert ds.window_id(1, 50) == N + 50
    with pytest.raises(IndexError):
        ds.get_data_info(2 * N)
    val = SoccerNetBallDataset(root, pipeline=PIPELINE, mode='val', val_stride=4)
    assert len(val) == 2 * (N // 4) and val.test_mode
    assert val.get_data_info(N // 4 + 3)['frame'] == 12
    assert len(SoccerNetBallDataset(root, mode='test')) == 2 * (N // 2)  # default: frame_step
    assert len(SoccerNetBallDataset(root, games=[game])) == 2 * N


def test_sample_contract(root):
    ds = SoccerNetBallDataset(root, pipeline=PIPELINE)
    out = ds[N + 7]
    x, s = out['inputs'], out['data_samples']
    assert x.shape == (15, H, W) and x.dtype == torch.uint8
    assert s.gt_label.dtype == torch.float32 and s.gt_label.shape == (2, )
    assert (s.game, s.half, s.frame) == (list_games(root)[0], 2, 7)
    assert isinstance(s.video, str) and isinstance(s.half, int) and isinstance(s.frame, int)
    small = SoccerNetBallDataset(root, pipeline=PIPELINE, input_size=(80, 48), num_frames=9,
                                 frame_step=3)
    assert small[5]['inputs'].shape == (9, 48, 80)
    # the batch goes through the model's preprocessor as (B, T, H, W) float
    from mmengine.dataset import pseudo_collate
    from mmsport.models.spotters.gray_frames_preprocessor import GrayFramesPreprocessor
    batch = GrayFramesPreprocessor(pad_size_divisor=32)(pseudo_collate([ds[0], ds[N]]))
    assert batch['inputs'].shape == (2, 15, 96, 160) and batch['inputs'].max() <= 1.0


def test_window_indices_clamped():
    assert window_indices(0, 5, 2, 100).tolist() == [0, 0, 0, 2, 4]
    assert window_indices(98, 5, 2, 100).tolist() == [94, 96, 98, 99, 99]
    assert window_indices(50, 15, 2, 100).tolist() == list(range(36, 65, 2))


def test_targets_exactly_within_positive_window(root, labels):
    ds = SoccerNetBallDataset(root)
    target = SoccerWindowTarget()
    for half in (1, 2):
        frames = {c: [x['frame'] for x in labels if x['half'] == half and x['class_idx'] == c]
                  for c in (0, 1)}
        for f in range(N):
            got = target(ds.get_data_info(ds.window_id(half - 1, f)))['gt_label']
            want = [any(abs(a - f) <= 7 for a in frames[c]) for c in (0, 1)]
            assert got.dtype == np.float32 and got.tolist() == [float(v) for v in want], (half, f)
    lab = labels[0]
    info = ds.get_data_info(ds.window_id(lab['half'] - 1, lab['frame']))
    assert target(info)['gt_label'][lab['class_idx']] == 1.0
    narrow = SoccerWindowTarget(positive_window=3)  # override: +-1 frame
    assert narrow(dict(info, frame=lab['frame'] + 1))['gt_label'][lab['class_idx']] == 1.0
    assert narrow(dict(info, frame=lab['frame'] + 2))['gt_label'].sum() == 0 or \
        any(abs(x['frame'] - lab['frame'] - 2) <= 1 for x in labels if x['half'] == lab['half'])


def test_flip(root):
    ds = SoccerNetBallDataset(root)
    info = LoadSoccerWindow()(ds.get_data_info(30))
    imgs = info['imgs'].copy()
    flipped = RandomHorizontalFlipWindow(prob=1.0)(dict(info))
    assert flipped['flip'] and np.array_equal(flipped['imgs'], imgs[:, :, ::-1])
    kept = RandomHorizontalFlipWindow(prob=0.0)(dict(info, imgs=imgs))
    assert not kept['flip'] and np.array_equal(kept['imgs'], imgs)


def _near_fraction(ds, ids, radius=4):
    near = 0
    for i in ids:
        info = ds.get_data_info(i)
        near += bool(np.any(np.abs(info['label_frames'] - info['frame']) <= radius))
    return near / len(ids)


def test_action_weighted_sampling_mass(root):
    w = action_sampling_weights(100, [10, 12, 50], action_window=9, action_prob=0.5)
    near = dilate_frames([10, 12, 50], 100, 9)
    assert near.sum() == 9 + 2 + 9 and w.sum() == pytest.approx(1.0)
    assert w[near].sum() == pytest.approx(0.5) and np.ptp(w[near]) < 1e-12
    ds = SoccerNetBallDataset(root, samples_per_epoch=20000, seed=1)
    ids = np.array(list(SoccerWindowSampler(ds)))
    assert abs(_near_fraction(ds, ids[:4000]) - 0.5) < 0.04  # 1:1 near actions vs elsewhere
    assert abs((ids < N).mean() - 0.5) < 0.03  # halves uniformly
    ds8 = SoccerNetBallDataset(root, samples_per_epoch=4000, seed=1, action_prob=0.8)
    assert abs(_near_fraction(ds8, list(SoccerWindowSampler(ds8))) - 0.8) < 0.04


def test_action_weights_split_the_action_mass():
    """Hand-worked: windows of 9 frames, weights 1 : 3 -> 0.125 and 0.375 of the mass 0.5
    (each spread evenly over its window); a window cut by the video edge keeps its share."""
    w = action_sampling_weights(100, [20, 60], action_window=9, action_prob=0.5,
                                action_weights=[1.0, 3.0])
    assert w.sum() == pytest.approx(1.0)
    assert w[16:25].sum() == pytest.approx(0.125) and np.ptp(w[16:25]) < 1e-12
    assert w[56:65].sum() == pytest.approx(0.375) and np.ptp(w[56:65]) < 1e-12
    edge = action_sampling_weights(100, [1, 60], action_window=9, action_prob=0.5,
                                   action_weights=[1.0, 1.0])
    assert edge[0:6].sum() == pytest.approx(0.25) and edge[56:65].sum() == pytest.approx(0.25)
    with pytest.raises(ValueError, match='action_weights'):
        action_sampling_weights(100, [20, 60], action_weights=[1.0])


def test_class_balanced_sampling_draws_each_class_equally(root):
    def class_share(ds, ids):
        counts = np.zeros(2)
        for i in ids:
            info = ds.get_data_info(i)
            d = np.abs(info['label_frames'] - info['frame'])
            if len(d) and d.min() <= 4:
                counts[info['label_classes'][np.argmin(d)]] += 1
        return counts / counts.sum()

    def one_drive_a_half(ds):
        """The tiny game's halves relabelled in memory: 4 actions each, the first of
        class 1, so the plain sampler draws class 1 a quarter of the time."""
        ds.full_init()
        for h in ds._halves:
            h['label_frames'] = np.array([20, 60, 100, 140], np.int64)
            h['label_classes'] = np.array([1, 0, 0, 0], np.int64)
        return ds
    plain = one_drive_a_half(SoccerNetBallDataset(root, samples_per_epoch=3000, seed=3))
    balanced = one_drive_a_half(SoccerNetBallDataset(root, samples_per_epoch=3000, seed=3,
                                                     class_balanced=True))
    share = class_share(plain, list(SoccerWindowSampler(plain)))
    assert abs(share[1] - 0.25) < 0.06
    ids = list(SoccerWindowSampler(balanced))
    assert np.abs(class_share(balanced, ids) - 0.5).max() < 0.06  # each class as often
    assert abs(_near_fraction(balanced, ids) - 0.5) < 0.05  # the action mass is unchanged


def test_sampler_reproducible_and_sharded(root):
    ds = SoccerNetBallDataset(root, samples_per_epoch=101, seed=7)
    a, b = SoccerWindowSampler(ds), SoccerWindowSampler(ds, seed=123)  # dataset seed wins
    assert len(a) == 101 and list(a) == list(b)
    a.set_epoch(1)
    assert list(a) != list(b)
    b.set_epoch(1)
    assert list(a) == list(b)
    runner_seeded = SoccerNetBallDataset(root, samples_per_epoch=50)
    assert list(SoccerWindowSampler(runner_seeded, seed=5)) == \
        list(SoccerWindowSampler(runner_seeded, seed=5))
    shards = []
    for rank in range(3):  # DistributedSampler-style: disjoint slices of one epoch draw
        s = SoccerWindowSampler(ds)
        s.rank, s.world_size = rank, 3
        s.num_samples = -(-101 // 3)
        s.total_size = s.num_samples * 3
        s.set_epoch(2)
        shards.append(list(s))
    assert all(len(x) == 34 for x in shards)
    full = s.epoch_ids(2)
    assert sorted(sum(shards, [])) == sorted(full.tolist())


def test_grouped_sampling_keeps_neighbours_together(root):
    ds = SoccerNetBallDataset(root, samples_per_epoch=40, seed=1,
                              pipeline=[dict(type='LoadSoccerWindow', cache_mb=1.0)])
    bounds = ds.half_window_bounds()
    assert bounds.tolist() == [0, N, 2 * N]
    groups = SoccerWindowSampler(ds, group_size=4).epoch_groups(0)  # (10, 4)
    assert groups.shape == (10, 4)
    first_draws = SoccerWindowSampler(ds).epoch_groups(0)[:10, 0]  # the same RNG draws
    assert groups[:, 0].tolist() == first_draws.tolist()
    half_end = bounds[np.searchsorted(bounds, groups[:, :1], side='right')] - 1
    step = 2  # the frame step: neighbours share 14 of their 15 frames
    assert (groups == np.minimum(groups[:, :1] + step * np.arange(4), half_end)).all()
    sharded = []
    for rank in range(2):  # ranks get whole groups
        s = SoccerWindowSampler(ds, group_size=4)
        s.rank, s.world_size, s.num_samples = rank, 2, 8
        sharded.append(list(s))
    regroup = SoccerWindowSampler(ds, group_size=4)
    regroup.world_size, regroup.num_samples = 2, 8
    assert sharded == [regroup.epoch_groups(0)[r::2].reshape(-1).tolist() for r in (0, 1)]
    # a cache of ~70 frames: neighbours are decoded once, independent draws each time
    decoded = []
    for k in (1, 4):
        loader = LoadSoccerWindow(cache_mb=1.0)
        for i in SoccerWindowSampler(ds, group_size=k):
            loader(ds.get_data_info(i))
        decoded.append(loader.stats['decoded_frames'])
    assert decoded[1] < 0.4 * decoded[0]
    with pytest.raises(ValueError, match='group_size'):
        SoccerWindowSampler(ds, group_size=0)


def _write_oof(oof_dir, game, scores_per_half):
    for half, scores in scores_per_half.items():
        path = os.path.join(oof_dir, game, f'{half}_raw_predictions.npz')
        os.makedirs(os.path.dirname(path), exist_ok=True)
        np.savez(path, frame_indexes=np.arange(N), raw_predictions=scores)


def test_oof_reweighting(root, game, tmp_path):
    base = SoccerNetBallDataset(root, samples_per_epoch=6000, seed=2)
    w0 = base.sampling_weights()
    # OOF false positives: confident predictions on the empty frame farthest from actions
    hard, scores = {}, {}
    for half in (1, 2):
        lf = base.get_data_info(base.window_id(half - 1, 0))['label_frames']
        dist = np.min(np.abs(np.arange(N)[:, None] - lf[None]), axis=1) if len(lf) \
            else np.full(N, N)
        hard[half] = int(np.argmax(dist))
        s = np.full((N, 2), 0.01)
        s[hard[half], 1] = 0.95
        s[lf, 0] = 0.99  # right at actions: not errors
        if len(lf):  # 8 frames after an action: inside the clear zone, left alone
            s[min(N - 1, lf[0] + 8), 0] = 0.95
        scores[half] = s
    _write_oof(str(tmp_path / 'oof'), game, scores)
    ds = SoccerNetBallDataset(root, samples_per_epoch=6000, seed=2,
                              oof_dir=[str(tmp_path / 'none'), str(tmp_path / 'oof')])
    w1 = ds.sampling_weights()
    assert w1.sum() == pytest.approx(1.0)
    for half in (1, 2):
        i = ds.window_id(half - 1, hard[half])
        assert w1[i] > 5 * w0[i]
        lf = ds.get_data_info(i)['label_frames']
        near = dilate_frames(lf, N, 9)
        sl = slice(ds.window_id(half - 1, 0), ds.window_id(half - 1, 0) + N)
        assert w1[sl][near].sum() == pytest.approx(w0[sl][near].sum())  # action mass kept
        assert np.allclose(w1[sl][near], w0[sl][near])
        # every other empty frame -- incl. the confident one in the clear zone 8 frames
        # after an action -- keeps one common weight, lowered to make room for `hard`
        others = ~near & (np.arange(N) != hard[half])
        assert np.ptp(w1[sl][others]) < 1e-12 and (w1[sl][others] < w0[sl][others]).all()
    hard_ids = [ds.window_id(h - 1, hard[h]) for h in (1, 2)]
    hits = np.isin(np.array(list(SoccerWindowSampler(ds))), hard_ids).mean()
    hits0 = np.isin(np.array(list(SoccerWindowSampler(base))), hard_ids).mean()
    assert abs(hits - w1[hard_ids].sum()) < 0.01 and hits > 5 * max(hits0, 1e-3)
    bad = SoccerNetBallDataset(root, oof_dir=str(tmp_path / 'none'))
    with pytest.raises(SoccerNetDataError,
                       match='1_raw_scores.npz: out-of-fold predictions file is missing'):
        bad.sampling_weights()


@pytest.mark.parametrize('span', ['auto', 'chunk', 'window'])
def test_cache_equivalence(root, span):
    ds = SoccerNetBallDataset(root)
    rng = np.random.default_rng(0)
    for size, cache_mb in ((None, 64), ((80, 48), 64), (None, 0.05)):
        loader = LoadSoccerWindow(decode_span=span, chunk_size=16, cache_mb=cache_mb)
        frames = np.concatenate([rng.integers(0, N, 12), np.arange(40, 60, 2), [N - 1, 0]])
        for half in (0, 1):
            for f in frames:
                info = dict(ds.get_data_info(ds.window_id(half, f)), input_size=size)
                got = loader(info)['imgs']
                uniq, inv = np.unique(info['frame_inds'], return_inverse=True)
                want = decode_gray(open_video(info['video'], size), uniq)[inv]
                assert got.shape == want.shape and np.array_equal(got, want), (size, half, f)
        st = loader.stats
        assert st['windows'] == 2 * len(frames)
        assert loader._bytes <= cache_mb * 2 ** 20
        if cache_mb >= 1:  # nothing decoded twice (auto: but a video's first window)
            assert st['decoded_frames'] <= 2 * N + (2 * 15 if span == 'auto' else 0)
            if span == 'window':
                assert st['decoded_frames'] == len(loader._frames)
        else:
            assert st['decode_calls'] == st['windows']
    assert chunk_bounds([0, 25, 50], 60, 16).tolist() == [0, 16, 25, 41, 50, 60]
    # in a forked worker, inherited readers and cache are dropped (decord is not fork-safe)
    info = ds.get_data_info(3)
    loader = LoadSoccerWindow()
    loader(dict(info))
    reader = next(iter(loader._readers.values()))
    assert loader._frames
    loader._pid = -1  # as if this process were a fork of the one that opened it
    loader(dict(info))
    assert loader.stats['decode_calls'] == 1 and next(iter(loader._readers.values())) is not reader
    assert any(r is reader for r in _FORK_ORPHANS)  # kept alive: its destructor would hang
    state = pickle.loads(pickle.dumps(loader)).__dict__  # spawned workers: empty too
    assert not state['_readers'] and not state['_frames'] and state['chunk_size'] == 32


def test_width_decord_cannot_produce_falls_back_to_opencv(root):
    info = SoccerNetBallDataset(root).get_data_info(40)
    reader = open_video(info['video'], (48, 32))  # decord fails at width 48
    assert isinstance(reader, ResizedVideoReader) and len(reader) == N
    out = LoadSoccerWindow()(dict(info, input_size=(48, 32)))
    got = out['imgs']
    native = open_video(info['video']).get_batch(out['frame_inds'].tolist()).asnumpy()
    want = np.stack([cv2.cvtColor(cv2.resize(f, (48, 32), interpolation=cv2.INTER_AREA),
                                  cv2.COLOR_RGB2GRAY) for f in native])
    assert got.shape == (15, 32, 48) and np.array_equal(got, want)
    again = open_video(info['video'], (48, 32))  # known now: no second probe or warning
    assert isinstance(again, ResizedVideoReader) and len(again) == N
    assert not isinstance(open_video(info['video'], (80, 48)), ResizedVideoReader)


def _broken_copy(root, game, tmp_path):
    dst = tmp_path / 'broken'
    shutil.copytree(os.path.join(root, game), str(dst / game))
    return str(dst), str(dst / game)


def _edit_labels(gdir, fn):
    path = os.path.join(gdir, 'Labels-ball.json')
    data = json.load(open(path))
    fn(data['annotations'])
    json.dump(data, open(path, 'w'))


def test_bad_inputs(root, game, tmp_path):
    r, gdir = _broken_copy(root, game, tmp_path)
    os.remove(os.path.join(gdir, '2_720p.mkv'))
    with pytest.raises(SoccerNetDataError, match='no video for half 2'):
        SoccerNetBallDataset(r)

    r, gdir = _broken_copy(root, game, tmp_path / 'b')
    _edit_labels(gdir, lambda a: a.append(dict(a[0], gameTime='2 - 01:00', position='60000')))
    with pytest.raises(SoccerNetDataError, match='Labels-ball.json.*outside its video'):
        SoccerNetBallDataset(r)

    r, gdir = _broken_copy(root, game, tmp_path / 'c')
    _edit_labels(gdir, lambda a: a.append(dict(a[0], label='BICYCLE KICK')))
    with pytest.raises(SoccerNetDataError, match="Labels-ball.json.*'BICYCLE KICK'"):
        SoccerNetBallDataset(r)
    assert len(SoccerNetBallDataset(r, skip_unknown_labels=True)) == 2 * N

    r, gdir = _broken_copy(root, game, tmp_path / 'd')
    with open(os.path.join(gdir, '2_720p.mkv'), 'wb') as f:
        f.write(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    with pytest.raises(SoccerNetDataError, match='2_720p.mkv'):
        SoccerNetBallDataset(r)

    with pytest.raises(SoccerNetDataError, match='no-such-game'):
        SoccerNetBallDataset(root, games=['no-such-game'])


def test_config_builds_runner_dataloader(root):
    from mmengine.runner import Runner
    cfg = dict(batch_size=2, num_workers=0,
               sampler=dict(type='SoccerWindowSampler'),
               dataset=dict(type='SoccerNetBallDataset', data_root=root, mode='train',
                            samples_per_epoch=4, seed=0, pipeline=PIPELINE))
    loader = Runner.build_dataloader(cfg, seed=0)
    assert len(loader) == 2
    batch = next(iter(loader))
    assert len(batch['inputs']) == 2 and batch['inputs'][0].shape == (15, H, W)
    loader.dataset[N + 100]  # open readers in this process, then fork:
    # a worker forked after the main process decoded (open readers, cache) still works
    forked = Runner.build_dataloader(dict(
        cfg, batch_size=4, num_workers=2, dataset=loader.dataset,
        sampler=dict(type='SoccerWindowSampler', samples_per_epoch=16)), seed=0)
    forked.sampler.set_epoch(1)  # windows the main process has not cached
    got = [(s.frame, x) for b in forked for s, x in zip(b['data_samples'], b['inputs'])]
    ds = forked.dataset
    for i, (frame, x) in zip(forked.sampler, got):
        info = LoadSoccerWindow(cache_mb=0)(ds.get_data_info(i))
        assert info['frame'] == frame
        assert np.array_equal(x.numpy(), info['imgs']) or \
            np.array_equal(x.numpy(), info['imgs'][:, :, ::-1])
    val = Runner.build_dataloader(dict(
        batch_size=4, num_workers=0, sampler=dict(type='DefaultSampler', shuffle=False),
        dataset=dict(type='SoccerNetBallDataset', data_root=root, mode='val',
                     pipeline=[p for p in PIPELINE if 'Flip' not in p['type']])))
    frames = [s.frame for s in next(iter(val))['data_samples']]
    assert frames == [0, 2, 4, 6]


def test_oof_reads_streamer_raw_scores(tmp_path):
    """OOF folders written by tools/ball_action/inference.py / tools/ball_action/train_cv.py are read."""
    from mmsport.apis.spotting import raw_scores_path, save_raw_scores
    from mmsport.datasets.soccernet_ball_dataset import load_oof_scores
    scores = np.zeros((50, 2), np.float32)
    scores[10] = (0.2, 0.9)
    save_raw_scores(raw_scores_path(str(tmp_path), 'g', 1), scores, dict(game='g', half=1))
    out = load_oof_scores(str(tmp_path), 'g', 1, 50)
    assert out.shape == (50,) and out[10] == pytest.approx(0.9) and out[11] == 0


def test_oof_scores_bad_files_name_the_file(tmp_path):
    from mmsport.datasets.soccernet_ball_dataset import load_oof_scores
    from mmsport.fileio.soccernet import SoccerNetDataError
    from mmsport.testing.bad_inputs import truncate
    d = tmp_path / 'g'
    d.mkdir()
    path = str(d / '1_raw_scores.npz')
    np.savez(path, scores=np.array([[0.1, 0.2], [np.nan, 0.3]]))
    with pytest.raises(SoccerNetDataError, match=r'1_raw_scores.npz: scores\[1, 0\] is nan'):
        load_oof_scores(str(tmp_path), 'g', 1, 2)
    np.savez(path, scores=np.random.rand(500, 2))
    truncate(path)
    with pytest.raises(SoccerNetDataError, match='1_raw_scores.npz: expected an npz'):
        load_oof_scores(str(tmp_path), 'g', 1, 500)


def test_truncated_half_video_is_an_error_naming_it(root, game, tmp_path):
    """A half cut short (a stopped copy) is indexed at the frames it really holds (decord
    counts 125 of 200), so the labels past its end are an error naming the file and the label,
    not windows of missing frames."""
    from mmsport.fileio.soccernet import game_videos
    from mmsport.testing.bad_inputs import truncate
    copy = tmp_path / 'copy'
    shutil.copytree(root, copy)
    video = game_videos(str(copy / game))[2]
    truncate(video, 0.6)
    with pytest.raises(SoccerNetDataError,
                       match=r'Labels-ball.json: label \d+ \(\w+, position \d+ ms\) is frame '
                             r'\d+ of half 2, outside its video of \d+ frames'):
        SoccerNetBallDataset(str(copy), pipeline=PIPELINE)
