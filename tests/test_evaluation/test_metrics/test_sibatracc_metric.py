import numpy as np
import pytest
from mmengine.structures import BaseDataElement

from mmsport.evaluation.functional import sibatracc
from mmsport.registry import METRICS


def _sample(key, i, gt, pred, full_size=(1280, 720)):
    s = BaseDataElement(metainfo=dict(key=key, frame_idx=i, full_size=full_size))
    s.gt_ball = np.asarray(gt, float)
    s.pred_ball = np.asarray(pred, float)
    return s


def test_groups_by_clip_orders_frames_and_averages_clips():
    gt_a = np.array([[1, 10, 10], [1, 20, 10], [1, 30, 10]], float)
    pred_a = np.array([[1, 10, 10], [0, -1, -1], [1, 30, 10]], float)  # a hole
    gt_b = np.array([[0, -1, -1], [1, 5, 5]], float)
    pred_b = np.array([[1, 50, 50], [1, 5, 5]], float)
    samples = [_sample('game1/clip2', i, g, p) for i, (g, p) in enumerate(zip(gt_b, pred_b))]
    samples += [_sample('game1/clip1', i, g, p) for i, (g, p) in enumerate(zip(gt_a, pred_a))]
    samples = samples[::-1]  # arrival order must not matter

    raw = METRICS.build(dict(type='SiBaTrAccMetric', postprocess=None))
    raw.process({}, samples)
    res = raw.evaluate(len(samples))
    expected = (sibatracc(gt_a, pred_a) + sibatracc(gt_b, pred_b)) / 2
    assert res['SiBaTrAcc'] == pytest.approx(expected)

    filled = METRICS.build(dict(type='SiBaTrAccMetric', postprocess=dict(max_gap=2)))
    filled.process({}, samples)
    res = filled.evaluate(len(samples))
    # the hole in clip1 is interpolated to (20, 10): clip1 becomes perfect
    assert res['SiBaTrAcc'] == pytest.approx((1.0 + sibatracc(gt_b, pred_b)) / 2)
    assert 0 <= res['precision'] <= 1 and 0 <= res['recall'] <= 1


def test_tracknet_counts_and_default_tolerance():
    """TP/FP1/FP2/FN/TN at TrackNetV2's 4 px at 512 wide = 10 px at 1280x720."""
    gt = np.array([[1, 100, 100], [1, 100, 100], [1, 100, 100], [0, -1, -1], [0, -1, -1],
                   [2, 50, 50]], float)
    pred = np.array([[1, 106, 108],   # d = 10 <= 10: TP
                     [1, 111, 100],   # d = 11 > 10: FP1
                     [0, -1, -1],     # FN
                     [1, 5, 5],       # FP2
                     [0, -1, -1],     # TN
                     [1, 50, 50]], float)  # hard-to-see ball found: TP
    m = METRICS.build(dict(type='SiBaTrAccMetric', postprocess=None))
    m.process({}, [_sample('c', i, g, p) for i, (g, p) in enumerate(zip(gt, pred))])
    res = m.evaluate(len(gt))
    assert res['tol'] == 10.0
    assert (res['tp'], res['fp1'], res['fp2'], res['fn'], res['tn']) == (2, 1, 1, 1, 1)
    assert res['accuracy'] == pytest.approx(3 / 6)
    assert res['precision'] == pytest.approx(2 / 4) and res['recall'] == pytest.approx(2 / 3)
    assert res['f1'] == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    # at 512x288 the same rule gives 4 px: the 10 px hit becomes an FP1
    m = METRICS.build(dict(type='SiBaTrAccMetric', postprocess=None))
    m.process({}, [_sample('c', i, g, p, (512, 288)) for i, (g, p) in enumerate(zip(gt, pred))])
    res = m.evaluate(len(gt))
    assert res['tol'] == 4.0 and (res['tp'], res['fp1']) == (1, 2)
    # an explicit tolerance in pixels is used as given
    m = METRICS.build(dict(type='SiBaTrAccMetric', tol=11.0, postprocess=None))
    m.process({}, [_sample('c', i, g, p) for i, (g, p) in enumerate(zip(gt, pred))])
    res = m.evaluate(len(gt))
    assert res['tol'] == 11.0 and (res['tp'], res['fp1']) == (3, 0)


def test_no_results_gives_the_same_keys_at_zero():
    """An empty evaluation names its keys (train_seeds.py checks --metric against them)."""
    metric = METRICS.build(dict(type='SiBaTrAccMetric'))
    out = metric.compute_metrics([])
    assert set(out) == {'SiBaTrAcc', 'accuracy', 'precision', 'recall', 'f1', 'tp', 'fp1',
                        'fp2', 'fn', 'tn', 'tol'}
    assert all(v == 0 for v in out.values())
