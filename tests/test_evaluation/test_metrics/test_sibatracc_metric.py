import numpy as np
import pytest
from mmengine.structures import BaseDataElement

from mmsport.evaluation.functional import sibatracc
from mmsport.registry import METRICS


def _sample(key, i, gt, pred):
    s = BaseDataElement(metainfo=dict(key=key, frame_idx=i))
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
