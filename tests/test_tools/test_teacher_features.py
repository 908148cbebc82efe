"""tools/transformer_spotting/extract_features.py (streamed teacher features) and tools/transformer_spotting/pca_features.py."""
import glob
import logging
import math
import os
import shutil

import cv2
import decord
import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA

from mmsport.apis.features import extract_features as ext
from mmsport.apis.features import pca as pca_tool
from mmsport.cli import transformer_spotting_extract_features as ext_cli
from mmsport.cli import transformer_spotting_pca_features as pca_cli
from mmsport.fileio.soccernet import game_videos, list_games
from mmsport.datasets.soccernet_v2_clip_dataset import SoccerNetV2ClipDataset
from mmsport.datasets.transforms.soccer_clip_transforms import half_timesteps
from mmsport.datasets.transforms.soccer_window_transforms import ResizedVideoReader, open_video
from mmsport.testing.soccer import make_tiny_soccer_data

SECONDS, VIDEO_FPS, FPS, SIZE, D = 30, 25, 2.0, 32, 64
N_T = half_timesteps(SECONDS * VIDEO_FPS, VIDEO_FPS, FPS)  # 60
# a config inheriting an mmaction:: base (its dicts get _scope_='mmaction'), made tiny
TEACHER_CFG = """_base_ = ['mmaction::_base_/models/x3d.py']
model = dict(
    backbone=dict(_delete_=True, type='ResNet3dSlowOnly', depth=18, base_channels=8,
                  pretrained=None, conv1_kernel=(1, 3, 3), inflate=(0, 0, 1, 1)),
    cls_head=dict(_delete_=True, type='I3DHead', in_channels=64, num_classes=2))
"""
MEAN, STD = 114.75, 57.38  # the x3d base's data_preprocessor


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    return make_tiny_soccer_data(str(tmp_path_factory.mktemp('soccer_v2_feat')),
                                 seconds=SECONDS, width=96, height=64, v2_events=2)


@pytest.fixture(scope='module')
def teacher(tmp_path_factory):
    """(config path, checkpoint path, model with those weights)."""
    d = tmp_path_factory.mktemp('teacher')
    cfg = str(d / 'tiny_teacher.py')
    with open(cfg, 'w') as f:
        f.write(TEACHER_CFG)
    torch.manual_seed(0)
    model = ext.build_teacher(cfg, None, 'cpu')
    ckpt = str(d / 'teacher.pth')
    torch.save(dict(state_dict=model.state_dict()), ckpt)
    return cfg, ckpt, model


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.msgs, self.errors = [], []

    def emit(self, record):
        self.msgs.append(record.getMessage())
        if record.levelno >= logging.ERROR:
            self.errors.append(record.getMessage())


def _argv(teacher, root, out, *extra):
    return [teacher[0], teacher[1], root, '--out-dir', out, '--input-size', str(SIZE),
            str(SIZE), '--clip-len', '4', '--clip-step', '3', '--batch-size', '8',
            '--chunk-frames', '16', *extra]


def test_cli_features_match_the_dataset(data_root, teacher, tmp_path):
    out = str(tmp_path / 'feat')
    assert ext_cli.main(_argv(teacher, data_root, out)) == 0
    game = list_games(data_root, 'Labels-v2.json')[0]
    videos = game_videos(os.path.join(data_root, game))
    for half, video in videos.items():
        feats = np.load(os.path.join(out, game, f'{half}_features.npy'))
        assert feats.shape == (N_T, D) and feats.dtype == np.float32
        assert np.isfinite(feats).all() and feats.std(0).max() > 0
        # the checkpoint was loaded: same features as the in-memory teacher
        ref = ext.extract_half(teacher[2], video, FPS, 4, 3, (SIZE, SIZE), batch_size=5)
        np.testing.assert_allclose(feats, ref, atol=1e-5)
    ds = SoccerNetV2ClipDataset(data_root=data_root, feature_dir=out, window_seconds=8,
                                mode='val', pipeline=[dict(type='LoadSoccerClipFeatures')])
    assert ds.num_halves == 2 and all(h['half_timesteps'] == N_T for h in ds._halves)
    assert ds[len(ds) - 1]['features'].shape == (16, D)
    # --skip-existing keeps complete files; other settings refuse to mix
    mtimes = {p: os.stat(p).st_mtime_ns for p in glob.glob(f'{out}/**/*.npy', recursive=True)}
    assert ext_cli.main(_argv(teacher, data_root, out, '--skip-existing')) == 0
    assert {p: os.stat(p).st_mtime_ns for p in mtimes} == mtimes
    with pytest.raises(SystemExit, match='clip_step'):
        ext_cli.main(_argv(teacher, data_root, out, '--skip-existing', '--clip-step', '2'))


def _naive(model, video, clip_len, clip_step):
    """Per-timestep decode (random access) and embed, one clip at a time."""
    vr = decord.VideoReader(video, width=SIZE, height=SIZE)
    n = len(vr)
    rows = []
    for t in range(N_T):
        centre = min(math.floor(t * VIDEO_FPS / FPS + 0.5), n - 1)
        frames = [min(max(centre + (i - clip_len // 2) * clip_step, 0), n - 1)
                  for i in range(clip_len)]
        rows.append(ext.embed_clips(model, vr.get_batch(frames).asnumpy()[None])[0])
    return np.stack(rows)


@pytest.mark.parametrize('clip_len,clip_step,chunk,batch', [
    (4, 5, 7, 3),  # clips overlap (span 16 > 12.5 frames between centres), tiny chunks
    (3, 1, 1, 8),  # gaps between clips, one frame per decode call
])
def test_streaming_equals_naive(data_root, teacher, clip_len, clip_step, chunk, batch):
    model = teacher[2]
    video = game_videos(os.path.join(data_root, list_games(data_root, 'Labels-v2.json')[0]))[2]
    stats = {}
    got = ext.extract_half(model, video, FPS, clip_len, clip_step, (SIZE, SIZE), batch,
                           chunk, stats)
    np.testing.assert_allclose(got, _naive(model, video, clip_len, clip_step), atol=1e-4)
    idx = ext.clip_indices(SECONDS * VIDEO_FPS, VIDEO_FPS, FPS, clip_len, clip_step)
    assert stats['decoded_frames'] == stats['unique_frames'] == np.unique(idx).size
    assert stats['buffer_frames'] <= clip_len * clip_step + chunk  # bounded, not the half
    assert stats['buffer_frames'] < stats['unique_frames']


def test_decord_unsupported_width_falls_back_to_opencv(data_root, teacher):
    video = game_videos(os.path.join(data_root, list_games(data_root, 'Labels-v2.json')[0]))[1]
    reader = open_video(video, (48, 32))  # decord fails at width 48
    assert isinstance(reader, ResizedVideoReader) and reader.size == (48, 32)
    assert reader.get_batch([0, 5]).asnumpy().shape == (2, 32, 48, 3)
    feats = ext.extract_half(teacher[2], video, FPS, 2, 1, (48, 32), chunk_frames=9)
    assert feats.shape == (N_T, D)
    frames = decord.VideoReader(video).get_batch([37, 38]).asnumpy()  # timestep 3: frame 38
    clip = np.stack([cv2.resize(f, (48, 32), interpolation=cv2.INTER_AREA) for f in frames])
    np.testing.assert_allclose(feats[3], ext.embed_clips(teacher[2], clip[None])[0], atol=1e-5)


def test_embedding_applies_mean_std_and_pools(teacher):
    model = teacher[2]
    clips = np.random.default_rng(0).integers(0, 256, (2, 4, SIZE, SIZE, 3), dtype=np.uint8)
    x = (torch.from_numpy(clips).permute(0, 4, 1, 2, 3).float() - MEAN) / STD
    with torch.no_grad():
        ref = model.backbone(x).mean((2, 3, 4)).numpy()
    np.testing.assert_allclose(ext.embed_clips(model, clips), ref, atol=1e-5)


def test_mmaction_package_config_builds():
    model = ext.build_teacher('mmaction::recognition/x3d/x3d_m_16x5x1_facebook-kinetics400-rgb.py')
    assert ext.embed_clips(model, np.zeros((1, 4, SIZE, SIZE, 3), np.uint8)).shape == (1, 432)


def test_bad_video_reported_and_skipped(data_root, teacher, tmp_path):
    root, out = str(tmp_path / 'root'), str(tmp_path / 'feat')
    game = list_games(data_root, 'Labels-v2.json')[0]
    shutil.copytree(os.path.join(data_root, game), os.path.join(root, game))
    with open(os.path.join(root, game, '2_720p.mkv'), 'wb') as f:
        f.write(os.urandom(4096))  # corrupt
    os.makedirs(os.path.join(root, 'x/y/no_video'))
    shutil.copy(os.path.join(root, game, 'Labels-v2.json'), os.path.join(root, 'x/y/no_video'))
    from mmengine.logging import MMLogger
    logger = ext._logger()
    rec = _Records()
    logger.addHandler(rec)
    try:
        assert ext_cli.main(_argv(teacher, root, out)) == 1
    finally:
        logger.removeHandler(rec)
    assert isinstance(logger, MMLogger)
    assert np.load(os.path.join(out, game, '1_features.npy')).shape == (N_T, D)
    assert not os.path.exists(os.path.join(out, game, '2_features.npy'))
    assert not glob.glob(f'{out}/**/*.tmp', recursive=True)
    failed = [m for m in rec.errors if m.startswith('FAILED')]
    assert len(failed) == 2
    assert any('2_720p.mkv' in m for m in failed) and any('no_video' in m for m in failed)


# ----------------------------------------------------------------------------- PCA
@pytest.fixture
def feature_dir(tmp_path):
    """3 games x 2 halves of (N, 24) low-rank + noise features (offset mean)."""
    rng = np.random.default_rng(0)
    basis = rng.normal(size=(10, 24))
    d = tmp_path / 'feats'
    for g in range(3):
        for half in (1, 2):
            n = 30 + 7 * g + half
            x = rng.normal(size=(n, 10)) * np.linspace(3, 0.3, 10) @ basis
            x += 5 + 0.01 * rng.normal(size=(n, 24))
            os.makedirs(d / f'league/season/game{g}', exist_ok=True)
            np.save(d / f'league/season/game{g}/{half}_features.npy', x.astype(np.float32))
    return str(d)


def _feature_files(d):
    return sorted(glob.glob(f'{d}/*/*/*/*_features.npy'))


def test_pca_matches_sklearn_and_rewrites_atomically(feature_dir, tmp_path):
    out = str(tmp_path / 'pca')
    assert pca_cli.main([feature_dir, '--out-dir', out, '--dim', '8']) == 0
    src = _feature_files(feature_dir)
    xs = [np.load(p) for p in src]
    ref = PCA(n_components=8, svd_solver='full').fit(np.concatenate(xs))
    params = np.load(os.path.join(out, 'pca.npz'))
    assert params['mean'].shape == (24, ) and params['components'].shape == (8, 24)
    np.testing.assert_allclose(params['explained_variance'], ref.explained_variance_,
                               rtol=1e-4)
    outs = [p.replace(feature_dir, out) for p in src]
    for x, p in zip(xs, outs):
        z = np.load(p)
        assert z.shape == (len(x), 8) and z.dtype == np.float32
        np.testing.assert_allclose(z, ref.transform(x), atol=1e-4)
        np.testing.assert_allclose(z @ params['components'] + params['mean'],
                                   ref.inverse_transform(ref.transform(x)), atol=1e-3)
    # second run: every file replaced whole (new inode), same content, no temporaries
    first = {p: (np.load(p), os.stat(p).st_ino) for p in outs}
    assert pca_cli.main([feature_dir, '--out-dir', out, '--dim', '8']) == 0
    for p, (z, ino) in first.items():
        np.testing.assert_array_equal(np.load(p), z)
        assert os.stat(p).st_ino != ino
    assert not glob.glob(f'{out}/**/*.tmp', recursive=True)
    # --load-pca reuses the saved fit (no refit), e.g. for new games
    out2 = str(tmp_path / 'pca2')
    assert pca_cli.main([feature_dir, '--out-dir', out2, '--load-pca',
                          os.path.join(out, 'pca.npz')]) == 0
    for p, (z, _) in first.items():
        np.testing.assert_array_equal(np.load(p.replace(out, out2)), z)
    assert os.path.isfile(os.path.join(out2, 'pca.npz'))


def test_pca_fit_games_subsample_whiten(feature_dir, tmp_path):
    out = str(tmp_path / 'pca')
    argv = [feature_dir, '--out-dir', out, '--dim', '6', '--fit-games', 'league/season/game1',
            '--max-fit-rows', '40', '--whiten', '--seed', '3']
    assert pca_cli.main(argv) == 0
    params = np.load(os.path.join(out, 'pca.npz'))
    assert int(params['n_fit_rows']) == 40 and int(params['n_available_rows']) == 38 + 39
    assert list(params['fit_games']) == ['league/season/game1']
    fit = [np.load(p) for p in _feature_files(feature_dir) if '/game1/' in p]
    sel = np.sort(np.random.default_rng(3).choice(77, 40, replace=False))
    ref = PCA(n_components=6, whiten=True, svd_solver='full').fit(np.concatenate(fit)[sel])
    for p in _feature_files(feature_dir):  # every game is projected, fit or not
        np.testing.assert_allclose(np.load(p.replace(feature_dir, out)),
                                   ref.transform(np.load(p)), rtol=1e-3, atol=1e-3)


def test_pca_rescale_keeps_relative_variances(feature_dir, tmp_path):
    out = str(tmp_path / 'pca')
    assert pca_cli.main([feature_dir, '--out-dir', out, '--dim', '6', '--rescale']) == 0
    src = _feature_files(feature_dir)
    xs = [np.load(p) for p in src]
    ref = PCA(n_components=6, svd_solver='full').fit(np.concatenate(xs))
    scale = 1.0 / np.sqrt(ref.explained_variance_.mean())
    assert float(np.load(os.path.join(out, 'pca.npz'))['scale']) == pytest.approx(scale)
    z = np.concatenate([np.load(p.replace(feature_dir, out)) for p in src])
    np.testing.assert_allclose(z, ref.transform(np.concatenate(xs)) * scale, atol=1e-3)
    assert (z ** 2).mean() == pytest.approx(1.0 * (len(z) - 1) / len(z), rel=1e-3)


@pytest.mark.parametrize('extra,match', [
    (['--dim', '30'], 'feature dimension D=24'),
    (['--dim', '8', '--max-fit-rows', '5'], '5 fit rows'),
    (['--fit-games', 'nope'], 'not found'),
])
def test_pca_errors(feature_dir, tmp_path, extra, match):
    logger = pca_tool._logger()
    rec = _Records()
    logger.addHandler(rec)
    try:
        assert pca_cli.main([feature_dir, '--out-dir', str(tmp_path / 'o'), *extra]) == 2
        assert pca_cli.main([feature_dir, '--out-dir', feature_dir]) == 2
    finally:
        logger.removeHandler(rec)
    assert len(rec.errors) == 2
    assert match in rec.errors[0] and 'overwritten' in rec.errors[1]
    assert not os.path.exists(tmp_path / 'o' / 'pca.npz')
