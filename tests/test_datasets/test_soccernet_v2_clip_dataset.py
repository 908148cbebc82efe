"""SoccerNetV2ClipDataset and its transforms on a tiny synthetic SoccerNet-v2 set."""
import json
import os
import shutil

import numpy as np
import pytest
import torch

from mmsport.fileio.soccernet import SoccerNetDataError, list_games, position_to_frame
from mmsport.datasets.soccernet_v2_clip_dataset import SoccerNetV2ClipDataset
from mmsport.datasets.transforms.soccer_clip_transforms import (LoadSoccerClip,
                                                                SoccerClipTargets,
                                                                timestep_frames)
from mmsport.evaluation.functional.spotting import V2_CLASSES

SECONDS, VFPS, W, H = 30, 25, 96, 64
NT = SECONDS * 2  # timesteps of a half at 2 fps
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FRAMES = [dict(type='LoadSoccerClip'), dict(type='SoccerClipTargets'),
          dict(type='PackSoccerClipInputs')]
FEATURES = [dict(type='LoadSoccerClipFeatures'), dict(type='SoccerClipTargets'),
            dict(type='PackSoccerClipInputs')]


@pytest.fixture(scope='module')
def root(tmp_path_factory):
    from mmsport.testing import make_tiny_soccer_data
    return make_tiny_soccer_data(str(tmp_path_factory.mktemp('soccer_v2')), seconds=SECONDS,
                                 v2_events=4, width=W, height=H)


@pytest.fixture(scope='module')
def game(root):
    return list_games(root, 'Labels-v2.json')[0]


@pytest.fixture(scope='module')
def events(root, game):
    """{half: [(timestep at 2 fps, class index)]} straight from Labels-v2.json."""
    anns = json.load(open(os.path.join(root, game, 'Labels-v2.json')))['annotations']
    out = {1: [], 2: []}
    for a in anns:
        out[int(a['gameTime'][0])].append((position_to_frame(a['position'], 2.0),
                                           V2_CLASSES.index(a['label'])))
    assert len(out[1]) == len(out[2]) == 4
    return out


def _ds(root, **kw):
    kw.setdefault('window_seconds', 8)
    kw.setdefault('input_size', (W, H))
    return SoccerNetV2ClipDataset(root, **kw)


def _copy(root, game, dst):
    shutil.copytree(os.path.join(root, game), os.path.join(str(dst), game))
    return str(dst), os.path.join(str(dst), game)


def test_val_test_windows_cover_every_half(root, game):
    for mode in ('val', 'test'):
        ds = _ds(root, mode=mode, stride_seconds=3)  # T = 16, stride 6 timesteps
        assert ds.test_mode and ds.num_halves == 2
        wins = [ds.get_data_info(i) for i in range(len(ds))]
        for half in (1, 2):
            starts = [w['start'] for w in wins if w['half'] == half]
            assert starts == [0, 6, 12, 18, 24, 30, 36, 42, 44]  # last one ends at the end
            covered = np.zeros(NT, bool)
            for s in starts:
                covered[s:s + 16] = True
            assert covered.all()
        w = wins[-1]
        assert (w['game'], w['half'], w['start'], w['num_timesteps'], w['num_valid'],
                w['half_timesteps'], w['fps'], w['video_fps']) == (game, 2, 44, 16, 16, NT,
                                                                   2.0, 25.0)
        assert w['video'].endswith('2_720p.mkv') and w['n_frames'] == SECONDS * VFPS
    assert [ds.window_start(0, j) for j in range(3)] == [0, 6, 12]
    default = _ds(root, mode='val')  # stride: half the window
    assert [default.get_data_info(i)['start'] for i in range(7)] == [0, 8, 16, 24, 32, 40, 44]
    with pytest.raises(IndexError):
        ds.get_data_info(len(ds))


def test_train_random_starts(root):
    from mmsport.datasets import SoccerWindowSampler
    ds = _ds(root, samples_per_epoch=60, seed=3)
    assert not ds.test_mode and len(ds) == 2 * (NT - 16 + 1)  # every start of every half
    sampler = SoccerWindowSampler(ds)
    a = list(sampler)
    starts = [(ds.get_data_info(i)['half'], ds.get_data_info(i)['start']) for i in a]
    assert len(a) == 60 and all(0 <= s <= NT - 16 for _, s in starts)
    assert {h for h, _ in starts} == {1, 2} and len(set(starts)) > 30
    assert list(SoccerWindowSampler(ds)) == a  # reproducible from (seed, epoch)
    sampler.set_epoch(1)
    assert list(sampler) != a


def test_targets_match_labels(root, events):
    ds = _ds(root, mode='val', stride_seconds=4)
    narrow = SoccerClipTargets(label_radius_seconds=0)
    for half in (1, 2):
        want = np.zeros((NT, len(V2_CLASSES)), np.float32)  # radius 1 s = 2 timesteps
        for t, c in events[half]:
            want[max(t - 2, 0):t + 3, c] = 1.0
        exact = np.zeros_like(want)
        for t, c in events[half]:
            exact[t, c] = 1.0
        for i in range(len(ds)):
            info = ds.get_data_info(i)
            if info['half'] != half:
                continue
            s = info['start']
            got = SoccerClipTargets()(dict(info))['gt_label']
            assert got.shape == (16, 17) and got.dtype == np.float32
            assert np.array_equal(got, want[s:s + 16]), (half, s)
            assert np.array_equal(narrow(dict(info))['gt_label'], exact[s:s + 16])
    wide = _ds(root, mode='val', label_radius_seconds=2.4)  # round(4.8) = 5 timesteps
    t, c = next(e for e in events[1] if 8 <= e[0] <= NT - 8)
    info = dict(wide.get_data_info(0), start=t - 8)  # a window centred on the event
    col = SoccerClipTargets()(dict(info))['gt_label'][:, c]
    assert col.tolist() == [0.0] * 3 + [1.0] * 11 + [0.0] * 2


def test_frames_nearest_to_timesteps(root):
    import decord
    ds = _ds(root, mode='val')
    loader = LoadSoccerClip(cache_mb=16)
    # timestep t is t / 2 s: the nearest of frames i / 25 s, ties up (t = 1 -> 12.5 -> 13)
    assert timestep_frames(0, 5, 2.0, 25.0, 750).tolist() == [0, 13, 25, 38, 50]
    assert timestep_frames(58, 2, 2.0, 25.0, 730).tolist() == [725, 729]  # clamped
    for i in (0, 1, len(ds) - 1):
        info = ds.get_data_info(i)
        out = loader(dict(info))
        t = info['start'] + np.arange(16)
        want_inds = np.array([min(np.arange(750), key=lambda f: (abs(f / 25 - x / 2), -f))
                              for x in t])
        assert np.array_equal(out['frame_inds'], want_inds)
        vr = decord.VideoReader(info['video'])
        want = np.stack([vr[int(f)].asnumpy() for f in want_inds])  # (T, H, W, 3) RGB
        assert out['imgs'].shape == (16, 3, H, W) and out['imgs'].dtype == np.uint8
        assert np.array_equal(out['imgs'], want.transpose(0, 3, 1, 2))
    # the window after (overlapping by 8 timesteps) decodes only its 8 new frames, once
    calls, frames = loader.stats['decode_calls'], loader.stats['decoded_frames']
    loader(dict(ds.get_data_info(2)))
    assert loader.stats['decode_calls'] == calls + 1
    assert loader.stats['decoded_frames'] == frames + 8
    small = _ds(root, mode='val', input_size=(64, 32), pipeline=FRAMES)
    info = small.get_data_info(3)
    got = LoadSoccerClip(cache_mb=0)(dict(info))['imgs']
    vr = decord.VideoReader(info['video'], width=64, height=32)
    want = vr.get_batch(timestep_frames(info['start'], 16, 2.0, 25.0, 750).tolist()).asnumpy()
    assert got.shape == (16, 3, 32, 64) and np.array_equal(got, want.transpose(0, 3, 1, 2))
    item = small[3]  # packed
    x, s = item['inputs'], item['data_samples']
    assert x.shape == (16, 3, 32, 64) and x.dtype == torch.uint8
    assert s.gt_label.shape == (16, 17) and s.gt_label.dtype == torch.float32
    assert s.valid_mask.all() and (s.half, s.start, s.fps) == (1, info['start'], 2.0)


def _write_features(fdir, game, rows, dim=8):
    for half, n in rows.items():
        path = os.path.join(str(fdir), game, f'{half}_features.npy')
        os.makedirs(os.path.dirname(path), exist_ok=True)
        np.save(path, np.arange(n * dim, dtype=np.float64).reshape(n, dim) + 1000 * half)
    return str(fdir)


def test_feature_mode(root, game, tmp_path):
    fdir = _write_features(tmp_path / 'ok', game, {1: NT, 2: NT - 1})  # 1 short: tolerated
    ds = _ds(root, mode='val', feature_dir=fdir, pipeline=FEATURES)
    assert [ds.get_data_info(i)['half_timesteps'] for i in (0, len(ds) - 1)] == [NT, NT - 1]
    item = ds[len(ds) - 1]
    x, s = item['inputs'], item['data_samples']
    start = ds.get_data_info(len(ds) - 1)['start']
    assert start == NT - 1 - 16 and x.shape == (16, 8) and x.dtype == torch.float32
    want = np.arange((NT - 1) * 8).reshape(-1, 8)[start:start + 16] + 2000
    assert np.array_equal(x.numpy(), want) and s.gt_label.shape == (16, 17)
    # distillation: frames in, features as the target
    both = _ds(root, mode='val', feature_dir=fdir, pipeline=[
        dict(type='LoadSoccerClip'), dict(type='LoadSoccerClipFeatures'),
        dict(type='SoccerClipTargets'), dict(type='PackSoccerClipInputs')])[0]
    assert both['inputs'].shape == (16, 3, H, W) and both['inputs'].dtype == torch.uint8
    gt_features = both['data_samples'].gt_features
    assert gt_features.dtype == torch.float32 and np.array_equal(
        gt_features.numpy(), np.arange(16 * 8).reshape(16, 8) + 1000)

    bad = _write_features(tmp_path / 'bad', game, {1: NT, 2: NT + 3})
    with pytest.raises(SoccerNetDataError) as e:
        _ds(root, feature_dir=bad)
    msg = str(e.value)
    assert '2_features.npy' in msg and f'{NT + 3} feature timesteps' in msg and \
        f'has {NT} timesteps' in msg and '2_720p.mkv' in msg
    os.remove(os.path.join(bad, game, '2_features.npy'))
    with pytest.raises(SoccerNetDataError, match='2_features.npy: feature file is missing'):
        _ds(root, feature_dir=bad)


def test_window_longer_than_half(root, game):
    with pytest.raises(SoccerNetDataError) as e:
        SoccerNetV2ClipDataset(root)  # the 64 s default
    msg = str(e.value)
    assert game in msg and 'half 1' in msg and '30.0 s' in msg and '64 s window' in msg
    assert '1_720p.mkv' in msg
    for mode in ('train', 'val'):
        ds = _ds(root, window_seconds=32, pad_short=True, mode=mode, pipeline=FRAMES)
        assert len(ds) == 2
        info = ds.get_data_info(1)
        assert (info['start'], info['num_timesteps'], info['num_valid']) == (0, 64, NT)
    item = ds[1]
    x, s = item['inputs'], item['data_samples']
    assert x.shape == (64, 3, H, W) and (x[NT:] == 0).all() and x[:NT].float().mean() > 10
    assert s.valid_mask.tolist() == [True] * NT + [False] * 4
    assert s.gt_label.shape == (64, 17) and s.gt_label[NT:].sum() == 0 and s.gt_label.sum() > 0


def test_bad_labels_and_videos(root, game, tmp_path):
    r, gdir = _copy(root, game, tmp_path / 'a')
    path = os.path.join(gdir, 'Labels-v2.json')
    data = json.load(open(path))
    data['annotations'].append(dict(data['annotations'][0], label='Bicycle kick'))
    json.dump(data, open(path, 'w'))
    with pytest.raises(SoccerNetDataError, match="Labels-v2.json: annotation 8: unknown label "
                                                 "'Bicycle kick'"):
        _ds(r)
    assert len(_ds(r, mode='val', skip_unknown_labels=True)) == 14

    r, gdir = _copy(root, game, tmp_path / 'b')
    os.remove(os.path.join(gdir, '2_720p.mkv'))
    with pytest.raises(SoccerNetDataError, match='Westbrook: found .* no video for half 2'):
        _ds(r)

    r, gdir = _copy(root, game, tmp_path / 'c')  # an event past the end of its half
    data = json.load(open(os.path.join(gdir, 'Labels-v2.json')))
    data['annotations'].append(dict(data['annotations'][-1], gameTime='2 - 00:31',
                                    position='31000'))
    json.dump(data, open(os.path.join(gdir, 'Labels-v2.json'), 'w'))
    with pytest.raises(SoccerNetDataError, match='Labels-v2.json: label 8 .* outside its video '
                                                 'of 750 frames'):
        _ds(r)


def test_base_config_builds_dataloaders(root):
    from mmengine.config import Config
    from mmengine.runner import Runner
    cfg = Config.fromfile(os.path.join(REPO, 'configs', '_base_', 'datasets',
                                       'soccernet_v2_clips.py'))
    assert tuple(cfg.classes) == V2_CLASSES and cfg.fps == 2.0 and cfg.window_seconds == 64
    assert 'val_evaluator' not in cfg
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        dl = cfg[name].copy()
        dl.update(num_workers=0, persistent_workers=False, batch_size=2)
        dl.dataset.update(data_root=root, window_seconds=16, stride_seconds=8)
        if name == 'train_dataloader':
            dl.dataset.update(samples_per_epoch=2, seed=0)
        loader = Runner.build_dataloader(dl, seed=0)
        batch = next(iter(loader))
        assert batch['inputs'][0].shape == (32, 3, 224, 224)
        assert batch['data_samples'][0].gt_label.shape == (32, 17)
