"""Spotting codecs: built from config dicts, decode = the post-processing functions, checked."""
import numpy as np
import pytest

from mmsport.models.postprocess import peak_spotting, soft_nms
from mmsport.models.task_modules import (NMSSpottingCodec, PeakSpottingCodec,
                                         build_spotting_codec)
from mmsport.models.task_modules.spotting_codecs import evaluator_codec
from mmsport.registry import TASK_UTILS


def _curve(seed=0, n=200, c=3):
    rng = np.random.default_rng(seed)
    curve = rng.random((n, c)) * 0.3
    curve[50, 0], curve[120, 1], curve[121, 1], curve[180, 2] = 0.95, 0.9, 0.85, 0.7
    return curve


def test_peak_codec_decodes_as_peak_spotting():
    codec = TASK_UTILS.build(dict(type='PeakSpottingCodec', sigma=2, height=0.25, distance=10))
    curve = _curve()
    assert codec.decode(curve) == peak_spotting(curve, sigma=2, height=0.25, distance=10)
    assert codec.score_threshold == 0.25


def test_peak_codec_hand_worked_case():
    curve = np.zeros((30, 2))
    curve[10, 0] = 1.0
    curve[20, 1] = 0.5
    spots = PeakSpottingCodec(sigma=0, height=0.4, distance=5).decode(curve)
    assert spots == [(10, 0, 1.0), (20, 1, 0.5)]
    assert PeakSpottingCodec(sigma=0, height=0.6).decode(curve) == [(10, 0, 1.0)]


@pytest.mark.parametrize('mode', ['soft', 'hard'])
def test_nms_codec_decodes_as_soft_nms(mode):
    codec = TASK_UTILS.build(dict(type='NMSSpottingCodec', mode=mode, window=12,
                                  threshold=0.05, max_per_class=4))
    curve = _curve(1)
    t, c, s = soft_nms(curve, 12.0, 0.05, 0.0, 'linear' if mode == 'soft' else 'hard', 4)
    assert codec.decode(curve) == list(zip(t.tolist(), c.tolist(), s.tolist()))
    assert codec.score_threshold == 0.05


def test_hard_nms_hand_worked_case():
    curve = np.zeros((20, 1))
    curve[[5, 7, 15], 0] = [0.9, 0.8, 0.6]
    # window 6: radius 3 zeroes t=7 (2 from the kept 5), t=15 survives
    assert NMSSpottingCodec('hard', window=6, threshold=0.1).decode(curve) == \
        [(5, 0, 0.9), (15, 0, 0.6)]


def test_build_defaults_objects_and_older_spellings():
    peak = build_spotting_codec()
    assert isinstance(peak, PeakSpottingCodec)
    assert (peak.sigma, peak.height, peak.distance) == (3.0, 0.2, 15)
    nms = build_spotting_codec(None, 'NMSSpottingCodec')
    assert (nms.mode, nms.window, nms.threshold, nms.min_weight, nms.max_per_class) == \
        ('soft', 20.0, 0.001, 0.0, None)
    assert build_spotting_codec(peak) is peak
    old = build_spotting_codec(postprocess=dict(height=0.3))
    assert isinstance(old, PeakSpottingCodec) and old.height == 0.3
    old = build_spotting_codec(nms=dict(type='hard', window=10))
    assert isinstance(old, NMSSpottingCodec) and (old.mode, old.window) == ('hard', 10.0)
    ev = evaluator_codec(dict(type='WindowSpottingMetric', nms=dict(type='soft')),
                         'NMSSpottingCodec')
    assert isinstance(ev, NMSSpottingCodec)
    assert isinstance(evaluator_codec({}, 'PeakSpottingCodec'), PeakSpottingCodec)
    with pytest.raises(ValueError, match='one of codec, postprocess, nms'):
        build_spotting_codec(postprocess=dict(), nms=dict())
    with pytest.raises(TypeError, match='decode'):
        build_spotting_codec(object())


@pytest.mark.parametrize('cfg, match', [
    (dict(type='PeakSpottingCodec', sigma=-1), 'sigma'),
    (dict(type='PeakSpottingCodec', height=float('nan')), 'height'),
    (dict(type='PeakSpottingCodec', height=1.5), 'height'),
    (dict(type='PeakSpottingCodec', distance=0), 'distance'),
    (dict(type='PeakSpottingCodec', distance=2.5), 'distance'),
    (dict(type='NMSSpottingCodec', mode='gaussian'), 'mode'),
    (dict(type='NMSSpottingCodec', window=0), 'window'),
    (dict(type='NMSSpottingCodec', threshold=0), 'threshold'),
    (dict(type='NMSSpottingCodec', min_weight=2), 'min_weight'),
    (dict(type='NMSSpottingCodec', max_per_class=0), 'max_per_class'),
])
def test_bad_settings_are_errors(cfg, match):
    with pytest.raises(ValueError, match=match):
        TASK_UTILS.build(cfg)
