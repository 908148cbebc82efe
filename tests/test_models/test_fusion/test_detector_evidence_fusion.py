"""mmsport.models.fusion: detector evidence per video, rule fusion, threshold fitting."""
import numpy as np
import pytest
import torch

from mmsport.models.fusion import DetectorEvidenceFusion, fit_threshold, video_evidence, video_id
from mmsport.registry import MODELS

CLASSES = ['run', 'stand', 'stand_with_ball', 'sit']
CATEGORIES = ['person', 'ball']
RULE = dict(category='ball', target='stand_with_ball', confusers=['stand'], threshold=0.5,
            boost=1.0)


def _det(path, scores, labels, key='img_path'):
    return {key: path, 'pred_instances': dict(
        scores=torch.tensor(scores, dtype=torch.float32),
        labels=torch.tensor(labels, dtype=torch.int64), bboxes=torch.zeros(len(scores), 4))}


def test_video_id():
    assert video_id('data/rawframes/test/vid_01') == 'vid_01'
    assert video_id('data/rawframes/test/vid_01/') == 'vid_01'
    assert video_id('videos/vid_01.MP4') == 'vid_01'
    assert video_id('frames/game.1') == 'game.1'  # not a video extension: kept


def test_video_evidence_max_per_category_and_empty_videos():
    dets = [
        _det('r/test/a/img_00001.jpg', [0.9, 0.3], [0, 1]),
        _det('r/test/a/img_00005.jpg', [0.6, 0.4, 0.7], [1, 0, 1]),
        _det('r/test/b/img_00001.jpg', [], []),              # a frame without any box
        _det('r/test/zzz/img_00001.jpg', [0.99], [1]),       # not a listed video: ignored
        _det(7, [0.2], [1], key='img_id'),                   # img_id only: mapped
        _det('r/test/d/img_00001.jpg', [0.05], [0]),         # below score_thr
    ]
    ids = ['a', 'b', 'c', 'd', 'e']                          # c: no detector frames at all
    ev, missing = video_evidence(dets, ids, CATEGORIES, score_thr=0.1,
                                 img_id_to_video={7: 'e'}, return_missing=True)
    np.testing.assert_allclose(ev, [[0.9, 0.7], [0, 0], [0, 0], [0, 0], [0, 0.2]], atol=1e-6)
    assert missing == ['b', 'c', 'd']
    ev2 = video_evidence(dets, ids, 2, img_id_to_video={7: 'e'})  # logs, returns the array
    assert ev2.shape == (5, 2) and ev2[3, 0] == pytest.approx(0.05)
    assert video_evidence([], ['a'], CATEGORIES).tolist() == [[0.0, 0.0]]
    with pytest.raises(ValueError, match='outside the 1 categories'):
        video_evidence(dets[:1], ['a'], ['person'])
    with pytest.raises(ValueError, match='img_id'):
        video_evidence(dets[4:5], ['e'], CATEGORIES)


def test_fusion_present_absent_rows_sum_and_untouched_classes():
    p = np.array([[0.2, 0.5, 0.3, 0.0],    # ball present (0.9): target must win
                  [0.1, 0.3, 0.5, 0.1],    # ball absent (0.1): the confuser must win
                  [0.4, 0.3, 0.2, 0.1]])   # ball exactly at the threshold: present
    ev = np.array([[0.8, 0.9], [0.9, 0.1], [0.7, 0.5]])
    fused = DetectorEvidenceFusion([RULE])(p, ev, CLASSES, CATEGORIES)
    np.testing.assert_allclose(fused[0], [0.2, 0.05, 0.75, 0.0])
    np.testing.assert_allclose(fused[1], [0.1, 0.8, 0.0, 0.1])
    np.testing.assert_allclose(fused[2], [0.4, 0.15, 0.35, 0.1])
    assert fused[0].argmax() == 2 and fused[1].argmax() == 1
    np.testing.assert_allclose(fused.sum(1), 1.0)
    np.testing.assert_array_equal(fused[:, [0, 3]], p[:, [0, 3]])
    np.testing.assert_array_equal(p[0], [0.2, 0.5, 0.3, 0.0])  # input not modified
    hard = DetectorEvidenceFusion([RULE], mode='hard')(p, ev, CLASSES, CATEGORIES)
    np.testing.assert_allclose(hard[:, 1:3], [[0, 0.8], [0.8, 0], [0, 0.5]])
    soft = DetectorEvidenceFusion([dict(RULE, absent_boost=0.5)])(p, ev, CLASSES, CATEGORIES)
    np.testing.assert_allclose(soft[1], [0.1, 0.55, 0.25, 0.1])


def test_fusion_absent_mass_goes_to_best_confuser_per_row():
    rule = dict(RULE, confusers=['stand', 'sit'])
    p = np.array([[0.1, 0.5, 0.3, 0.1], [0.1, 0.1, 0.3, 0.5]])
    fused = DetectorEvidenceFusion([rule])(p, np.zeros((2, 2)), CLASSES, CATEGORIES)
    np.testing.assert_allclose(fused, [[0.1, 0.8, 0.0, 0.1], [0.1, 0.1, 0.0, 0.8]])


def test_fusion_validation_and_registry():
    with pytest.raises(ValueError, match="unknown class 'nope'"):
        DetectorEvidenceFusion([dict(RULE, target='nope')])(
            np.full((1, 4), 0.25), np.zeros((1, 2)), CLASSES, CATEGORIES)
    with pytest.raises(ValueError, match='detector category'):
        DetectorEvidenceFusion([dict(RULE, category='bat')])(
            np.full((1, 4), 0.25), np.zeros((1, 2)), CLASSES, CATEGORIES)
    with pytest.raises(ValueError, match='exclude the target'):
        DetectorEvidenceFusion([dict(RULE, confusers=['stand_with_ball'])])
    with pytest.raises(ValueError, match='got keys'):
        DetectorEvidenceFusion([dict(RULE, thr=0.3)])
    with pytest.raises(ValueError, match='mode'):
        DetectorEvidenceFusion([RULE], mode='learned')
    with pytest.raises(ValueError, match=r'evidence must be \(1, 2\)'):
        DetectorEvidenceFusion([RULE])(np.full((1, 4), 0.25), np.zeros((2, 2)), CLASSES,
                                       CATEGORIES)
    fusion = MODELS.build(dict(type='DetectorEvidenceFusion', rules=[RULE], mode='hard'))
    assert isinstance(fusion, DetectorEvidenceFusion) and fusion.mode == 'hard'


def _confused_validation_set():
    """20 stand / stand_with_ball videos the classifier cannot separate; the ball can."""
    rng = np.random.default_rng(0)
    labels = np.array([1, 2] * 10)
    p = np.zeros((20, 4))
    p[:, 0] = 0.1
    p[:, 1] = rng.uniform(0.3, 0.6, 20)
    p[:, 2] = 0.9 - p[:, 1]
    ev = np.zeros((20, 2))
    ev[:, 1] = np.where(labels == 2, rng.uniform(0.62, 0.9, 20), rng.uniform(0.0, 0.33, 20))
    return p, ev, labels


def test_fit_threshold_finds_a_separating_threshold():
    p, ev, labels = _confused_validation_set()
    res = fit_threshold(p, ev, labels, [RULE], CLASSES, CATEGORIES)
    assert 0.33 < res['threshold'] <= 0.62 and res['threshold'] == pytest.approx(0.45)
    assert res['accuracy'] == 1.0 and res['accuracy_without_rule'] < 0.8
    # the vectorised grid equals applying the fusion threshold by threshold
    for thr, acc in zip(res['candidates'], res['accuracies']):
        fused = DetectorEvidenceFusion([dict(RULE, threshold=thr)])(p, ev, CLASSES, CATEGORIES)
        assert acc == pytest.approx((fused.argmax(1) == labels).mean())
    fusion = DetectorEvidenceFusion([dict(RULE, threshold=0.9)])
    folds = np.arange(20) % 4
    res = fusion.fit_threshold(p, ev, labels, CLASSES, CATEGORIES, folds=folds,
                               candidates=[0.1, 0.5, 0.95])
    assert res['threshold'] == 0.5 and res['fold_accuracy'].shape == (4, )
    assert fusion.rules[0]['threshold'] == 0.5
