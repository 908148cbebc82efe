"""Transformer (clip) spotting, bad inputs: per-timestep feature files, the PCA tool and
raw score files re-spotted by respot. A truncated or non-finite input is an error
naming the file (and the row); respot carries on past a bad game, writing nothing for
it; the PCA tool writes nothing for its outputs when an input is bad."""
import os

import numpy as np
import pytest

from mmsport.fileio.raw_scores import raw_scores_path, save_raw_scores
from mmsport.fileio.soccernet import SoccerNetDataError
from mmsport.testing.bad_inputs import files_under, leftovers, truncate, write_json

CLASSES = ('Goal', 'Corner')
FPS = 2.0


def _features(path, rows=40, dim=8, seed=0):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.save(path, np.random.default_rng(seed).normal(size=(rows, dim)).astype(np.float32))
    return str(path)


def _load(path, start=0, num=16):
    from mmsport.datasets.transforms.soccer_clip_transforms import LoadSoccerClipFeatures
    return LoadSoccerClipFeatures().transform(dict(feature_path=path, num_timesteps=num,
                                                   num_valid=num, start=start))


def test_feature_file_truncated_or_non_finite(tmp_path):
    good = _features(str(tmp_path / 'g' / '1_features.npy'))
    assert _load(good)['features'].shape == (16, 8)
    cut = truncate(_features(str(tmp_path / 'c' / '1_features.npy')), 0.5)
    with pytest.raises(SoccerNetDataError, match=cut + ': cannot be read as an .npy array'):
        _load(cut)
    nan = _features(str(tmp_path / 'n' / '1_features.npy'))
    x = np.load(nan)
    x[21, 3] = np.nan
    np.save(nan, x)
    _load(nan, start=0)  # rows 0..15 are fine
    with pytest.raises(SoccerNetDataError, match=nan + r': row 21 has a non-finite feature'):
        _load(nan, start=16)


def _pca_args(feature_dir, out_dir, **kw):
    a = dict(feature_dir=feature_dir, out_dir=out_dir, dim=4, fit_games=None,
             max_fit_rows=1000, whiten=False, rescale=False, seed=0, pca_file=None)
    a.update(kw)
    return a


def test_pca_tool_names_bad_feature_and_pca_files(tmp_path):
    import logging

    from mmsport.apis.features import pca as pca_tool
    feats = str(tmp_path / 'feats')
    for g in ('l/s/a', 'l/s/b'):
        for h in (1, 2):
            _features(os.path.join(feats, g, f'{h}_features.npy'), seed=h)
    log = logging.getLogger('test-pca')
    out = str(tmp_path / 'out')
    pca_tool.run(**_pca_args(feats, out), logger=log)
    pca_file = os.path.join(out, 'pca.npz')
    # a NaN row in a fit file: error naming the file and the row, before any output
    bad = os.path.join(feats, 'l/s/b', '2_features.npy')
    x = np.load(bad)
    x[5, 0] = np.inf
    np.save(bad, x)
    out2 = str(tmp_path / 'out2')
    with pytest.raises(pca_tool.PCAToolError, match=bad + r': features\[5, 0\] is inf'):
        pca_tool.run(**_pca_args(feats, out2), logger=log)
    assert not os.path.exists(out2)
    # ... also when only projected with a saved PCA
    with pytest.raises(pca_tool.PCAToolError, match=bad + r': features\[5, 0\] is inf'):
        pca_tool.run(**_pca_args(feats, out2, pca_file=pca_file), logger=log)
    assert not os.path.exists(os.path.join(out2, 'l/s/b', '2_features.npy'))
    assert not leftovers(out2)
    # a truncated pca.npz and a truncated feature file name the file
    truncate(pca_file, 0.5)
    with pytest.raises(pca_tool.PCAToolError, match=pca_file + r': cannot be read as a '
                                                               r'pca\.npz \(BadZipFile'):
        pca_tool.load_pca(pca_file)
    truncate(bad, 0.5)
    with pytest.raises(pca_tool.PCAToolError, match=bad + ': cannot be read as an .npy'):
        pca_tool.run(**_pca_args(feats, str(tmp_path / 'out3')), logger=log)


def test_respot_carries_on_past_damaged_raw_scores(tmp_path, capsys):
    """Three games of raw scores, one truncated and one with a NaN: the good game gets its
    results_spotting.json, the two bad ones fail alone (their files named) and get none."""
    from mmsport.cli import transformer_spotting_respot as respot
    raw, out = str(tmp_path / 'raw'), str(tmp_path / 'out')
    rng = np.random.default_rng(0)
    for game in ('l/s/good', 'l/s/cut', 'l/s/nan'):
        for half in (1, 2):
            s = rng.random((60, 2)).astype(np.float32) * 0.1
            s[20 + half, half - 1] = 0.9
            save_raw_scores(raw_scores_path(raw, game, half), s,
                            dict(classes=list(CLASSES), fps=FPS, n_frames=60))
    cut = truncate(raw_scores_path(raw, 'l/s/cut', 1), 0.5)
    nan_path = raw_scores_path(raw, 'l/s/nan', 2)
    s = np.zeros((60, 2), np.float32)
    s[33, 0] = np.nan
    save_raw_scores(nan_path, s, dict(classes=list(CLASSES), fps=FPS, n_frames=60))
    assert respot.main([raw, '--out-dir', out]) == 1
    text = capsys.readouterr()
    text = text.out + text.err
    assert cut in text and 'truncated or corrupt' in text
    assert nan_path in text and 'scores[33, 0] (frame 33, class 0) is nan' in text
    assert files_under(out) == ['l/s/good/results_spotting.json']
    assert not leftovers(out)


def test_feature_meta_that_is_not_json_names_the_file(tmp_path):
    """extract_features.py compares its settings with the folder's meta file first: a
    truncated one is an error naming it, not a JSONDecodeError traceback."""
    from mmsport.apis.features import extract_features as ext
    out = str(tmp_path / 'feats')
    meta = write_json(os.path.join(out, ext.META_FILE), '{"settings": {"fps": 2')
    with pytest.raises(SoccerNetDataError, match=meta + ': cannot be read'):
        ext.run(config='c.py', checkpoint=None, fps=2.0, clip_len=16, clip_step=8,
                input_size=None, short_side=None, out_dir=out, skip_existing=False,
                games=None, data_root=str(tmp_path), label_file='Labels-v2.json')
