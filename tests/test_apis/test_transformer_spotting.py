"""HalfSpotter (tokens once, then windows) against the test loop's windows; the tool."""
import json
import os
import shutil

import numpy as np
import pytest
import torch
from mmengine.config import Config

import mmsport.apis
from mmsport.apis.transformer_spotting import (SPOTTER_KEYS, HalfSpotter, clip_io_settings,
                                               window_starts)
from mmsport.cli import transformer_spotting_inference as tool
from mmsport.models.postprocess import merge_windows
from mmsport.registry import DATASETS, MODELS
from mmsport.testing import make_tiny_soccer_data

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONFIG = os.path.join(REPO, 'configs', 'transformer_spotting',
                      'vivit-tiny-l4_adamw-10e_soccer-v2-synthetic-96x64.py')
TINY_ARCH = {'embed_dims': 32, 'num_layers': 2, 'num_heads': 2, 'feedforward_channels': 64}
SECONDS, W, H = 30, 96, 64


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    return make_tiny_soccer_data(str(tmp_path_factory.mktemp('soccer_v2_inf')), games=2,
                                 seconds=SECONDS, width=W, height=H, v2_events=4)


@pytest.fixture(scope='module')
def cfg(data_root):
    """The synthetic config, made tiny: 32x32 frames, 8 s windows every 4 s, margin 2."""
    cfg = Config.fromfile(CONFIG)
    cfg.model.spatial_encoder.update(arch=TINY_ARCH, img_size=32)
    cfg.model.update(temporal_depth=1, temporal_num_heads=2)
    for loader in (cfg.val_dataloader, cfg.test_dataloader):
        loader.dataset.update(data_root=data_root, games=None, window_seconds=8,
                              stride_seconds=4, input_size=(32, 32))
        loader.update(num_workers=0, persistent_workers=False)
    for ev in (cfg.val_evaluator, cfg.test_evaluator):
        ev.update(data_root=data_root, margin=2)
    return cfg


@pytest.fixture(scope='module')
def model(cfg):
    from mmengine.registry import init_default_scope
    init_default_scope('mmsport')
    torch.manual_seed(0)
    return MODELS.build(cfg.model).eval()


def test_window_starts_match_the_dataset(cfg):
    ds = DATASETS.build(cfg.test_dataloader.dataset)
    for h in range(ds.num_halves):
        n_t = ds._halves[h]['half_timesteps']
        expected = [ds.window_start(h, j) for j in range(ds._window_count(n_t))]
        np.testing.assert_array_equal(window_starts(n_t, ds.num_timesteps, ds.stride), expected)
    np.testing.assert_array_equal(window_starts(5, 16, 8), [0])


@torch.no_grad()
def test_half_scores_equal_the_test_loop_windows_merged(cfg, model):
    """Every frame decoded once + tokens -> windows == the dataset's windows through the model."""
    io = clip_io_settings(cfg)
    assert (io['fps'], io['margin'], io['input_size']) == (2.0, 2, (32, 32))
    spotter = HalfSpotter(model, **{k: io[k] for k in SPOTTER_KEYS if k != 'chunk'}, chunk=7)
    ds = DATASETS.build(cfg.test_dataloader.dataset)
    for h, half in enumerate(ds._halves):
        idx = [i for i in range(len(ds)) if ds.get_data_info(i)['half'] == half['half']
               and ds.get_data_info(i)['game'] == half['game']]
        batch = [ds[i] for i in idx]
        data = model.data_preprocessor(dict(inputs=[b['inputs'] for b in batch],
                                            data_samples=[b['data_samples'] for b in batch]))
        scores = model(data['inputs'], mode='tensor').sigmoid().numpy()  # (K, T, C)
        starts = [b['data_samples'].metainfo['start'] for b in batch]
        expected = merge_windows(list(scores), starts, half['half_timesteps'], margin=2)
        got = spotter.run(half['video'])
        assert got.shape == (half['half_timesteps'], len(io['classes']))
        np.testing.assert_allclose(got, expected, atol=1e-5)
    assert spotter.peak_frames <= 7  # frames held at once: one chunk


def test_tool_on_a_root_and_a_video(cfg, model, data_root, tmp_path, capsys, monkeypatch):
    cfg_path, ckpt = str(tmp_path / 'cfg.py'), str(tmp_path / 'model.pth')
    cfg.dump(cfg_path)
    torch.save(dict(state_dict=model.state_dict(), meta={}), ckpt)
    root = str(tmp_path / 'root')
    shutil.copytree(data_root, root)
    games = sorted(os.path.relpath(os.path.dirname(os.path.join(d, f)), root)
                   for d, _, fs in os.walk(root) for f in fs if f == 'Labels-v2.json')
    os.remove(os.path.join(root, games[1], '2_720p.mkv'))  # a bad game: half 2 missing
    out = str(tmp_path / 'out')
    capsys.readouterr()
    rc = tool.main([cfg_path, ckpt, root, '--out-dir', out, '--zip', f'{out}/sub.zip'])
    assert rc == 1  # the bad game failed, the good one was written and evaluated
    res = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert res['games'] == 1 and res['failed'] == [games[1]]
    assert 0.0 <= res['tight_avg_mAP'] <= res['loose_avg_mAP'] <= 1.0
    assert os.path.isfile(os.path.join(out, games[0], 'results_spotting.json'))
    assert os.path.isfile(os.path.join(out, 'raw', games[0], '2_raw_scores.npz'))
    assert os.path.isfile(f'{out}/sub.zip')

    # two processes (one game each), then zip and evaluation here: the same numbers;
    # this process only re-reads their raw scores (no model built here)
    out2 = str(tmp_path / 'out2')
    built, init_model = [], mmsport.apis.inference.init_model
    monkeypatch.setattr(mmsport.apis.inference, 'init_model',
                        lambda *a, **k: built.append(a) or init_model(*a, **k))
    assert tool.main([cfg_path, ckpt, root, '--out-dir', out2, '--nproc', '2']) == 1
    res2 = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert res2 == res and built == []

    video = os.path.join(root, games[0], '1_720p.mkv')
    assert tool.main([cfg_path, ckpt, video, '--out-dir', str(tmp_path / 'vid')]) == 0
    assert len(built) == 1  # the spy sees a build when a half is scored here
    spots = json.load(open(tmp_path / 'vid' / '1_720p_spots.json'))['predictions']
    raw = np.load(tmp_path / 'vid' / '1_720p_raw_scores.npz')['scores']
    assert raw.shape == (SECONDS * 2, 7) and len(spots) > 0
    assert (tmp_path / 'vid' / '1_720p_spots.csv').read_text().startswith('time_s,label')
