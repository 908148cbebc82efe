"""ReID functional metrics against torchreid, sklearn, naive loops and hand-worked cases."""

import numpy as np
import pytest
from sklearn.metrics import f1_score

from mmsport.evaluation.functional import (ensemble_fold_scores, evaluate_rank,
                                           gallery_centroids, match_gallery, open_set_macro_f1,
                                           threshold_candidates, tune_threshold)


def _torchreid_rank():
    """torchreid's ``rank.py`` alone (``import torchreid`` needs gdown, tensorboard, ...)."""
    from mmsport.testing.oracles import torchreid_rank
    return torchreid_rank()


@pytest.fixture(scope='module')
def rank_ref():
    mod = _torchreid_rank()
    if mod is None:
        pytest.skip('torchreid is not installed')
    return mod


def _random_case(rng, num_q, num_g, num_ids, num_cams):
    distmat = rng.random((num_q, num_g))  # random floats: no exact ties
    q_pids = rng.integers(0, num_ids, num_q)
    g_pids = rng.integers(0, num_ids, num_g)
    q_cam = rng.integers(0, num_cams, num_q)
    g_cam = rng.integers(0, num_cams, num_g)
    return distmat, q_pids, g_pids, q_cam, g_cam


@pytest.mark.parametrize('seed,num_q,num_g,num_ids,num_cams,max_rank',
                         [(0, 60, 300, 40, 3, 50), (1, 40, 80, 30, 2, 20),
                          (2, 25, 40, 12, 2, 20), (3, 50, 200, 10, 4, 10)])
def test_evaluate_rank_equals_torchreid(rank_ref, seed, num_q, num_g, num_ids, num_cams,
                                        max_rank):
    rng = np.random.default_rng(seed)
    args = _random_case(rng, num_q, num_g, num_ids, num_cams)
    # queries whose identity has no gallery sample (skipped by both)
    q_pids = args[1].copy()
    q_pids[:3] = num_ids + 5
    args = (args[0], q_pids) + args[2:]
    # a query whose only same-id gallery samples share its camera (skipped by both)
    g_pids, g_cam, q_cam = args[2].copy(), args[4].copy(), args[3].copy()
    g_pids[g_pids == 0] = 1
    g_pids[:2], g_cam[:2] = 0, 0
    q_pids[3], q_cam[3] = 0, 0
    args = (args[0], q_pids, g_pids, q_cam, g_cam)
    cmc, mAP = evaluate_rank(*args, max_rank=max_rank)
    want_cmc, want_map = rank_ref.eval_market1501(*args, max_rank)
    assert cmc.dtype == np.float32 and cmc.shape == want_cmc.shape
    np.testing.assert_allclose(cmc, want_cmc, atol=1e-6)
    assert abs(mAP - want_map) < 1e-6
    # small chunks give the same values
    cmc2, mAP2 = evaluate_rank(*args, max_rank=max_rank, chunk_elems=1)
    np.testing.assert_array_equal(cmc2, cmc)
    assert abs(mAP2 - mAP) < 1e-12


def test_evaluate_rank_hand_case():
    # one query (pid 1, cam 0); gallery sorted by distance:
    # [pid1 cam0 (removed), pid2, pid1 cam1, pid3, pid1 cam2]
    distmat = np.array([[0.1, 0.2, 0.3, 0.4, 0.5]])
    g_pids = np.array([1, 2, 1, 3, 1])
    g_cam = np.array([0, 0, 1, 0, 2])
    cmc, mAP = evaluate_rank(distmat, np.array([1]), g_pids, np.array([0]), g_cam, max_rank=4)
    np.testing.assert_allclose(cmc, [0, 1, 1, 1])
    assert mAP == pytest.approx((1 / 2 + 2 / 4) / 2)


def test_evaluate_rank_no_valid_query():
    with pytest.raises(ValueError, match='no query identity'):
        evaluate_rank(np.ones((2, 3)), np.array([7, 8]), np.array([1, 2, 3]),
                      np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match='query rows'):
        evaluate_rank(np.ones((2, 3)), np.array([1]), np.array([1, 2, 3]),
                      np.zeros(2), np.zeros(3))


@pytest.mark.parametrize('y_true,y_pred', [
    ([1, 1, 2, -1, -1], [1, 2, 2, -1, 1]),
    ([1, 2, 3], [1, 2, 3]),
    ([1, 2, -1], [5, 5, 5]),           # label only predicted counts (F1 0)
    ([-1, -1, 4], [-1, 4, 4]),
])
def test_macro_f1_equals_sklearn(y_true, y_pred):
    want = f1_score(y_true, y_pred, average='macro', zero_division=0)
    assert open_set_macro_f1(y_true, y_pred) == pytest.approx(want)


def test_macro_f1_hand_value():
    # classes 1, 2, -1.  1: tp 1 fp 1 fn 1 -> 0.5; 2: tp 1 fp 1 fn 0 -> 2/3;
    # -1: tp 1 fp 0 fn 1 -> 2/3.  mean = (0.5 + 2/3 + 2/3) / 3
    y_true = [1, 1, 2, -1, -1]
    y_pred = [1, 2, 2, -1, 1]
    assert open_set_macro_f1(y_true, y_pred) == pytest.approx((0.5 + 4 / 3) / 3)
    assert open_set_macro_f1([1, -1], [1, -1]) == 1.0
    assert open_set_macro_f1([], []) == 0.0


def test_centroids_and_matching_equal_naive_loop():
    rng = np.random.default_rng(0)
    emb = rng.normal(size=(200, 16))
    labels = rng.integers(0, 12, 200) * 10 - 10  # includes -10, multiples of 10
    c_labels, cents = gallery_centroids(emb, labels)
    assert cents.shape == (len(c_labels), 16)
    for lab, c in zip(c_labels, cents):
        rows = emb[labels == lab]
        m = (rows / np.linalg.norm(rows, axis=1, keepdims=True)).mean(0)
        np.testing.assert_allclose(c, m / np.linalg.norm(m), atol=1e-6)
    queries = rng.normal(size=(300, 16))
    pred, best = match_gallery(queries, cents, c_labels, chunk=7)
    pred_t, best_t = match_gallery(queries, cents, c_labels, threshold=0.4)
    for i, q in enumerate(queries):
        sims = [np.dot(q, c) / np.linalg.norm(q) / np.linalg.norm(c) for c in cents]
        j = int(np.argmax(sims))
        assert pred[i] == c_labels[j]
        assert best[i] == pytest.approx(sims[j], abs=1e-5)
        assert pred_t[i] == (c_labels[j] if sims[j] >= 0.4 else -1)
    # Chunked (7 rows) and whole-matrix float32 products may differ in the last bit
    # (BLAS picks kernels by shape), so the two calls agree to float32 rounding.
    np.testing.assert_allclose(best_t, best, rtol=0, atol=1e-6)
    pred0, best0 = match_gallery(queries, np.zeros((0, 16)), np.zeros(0, np.int64))
    assert (pred0 == -1).all() and np.isneginf(best0).all()


def test_tune_threshold_separable():
    rng = np.random.default_rng(0)
    known_sim = rng.uniform(0.6, 0.9, 50)
    unk_sim = rng.uniform(0.1, 0.5, 30)
    sim = np.concatenate([known_sim, unk_sim])
    true = np.concatenate([rng.integers(0, 5, 50), -np.ones(30, np.int64)])
    pred = np.concatenate([true[:50], rng.integers(0, 5, 30)])  # knowns matched correctly
    t, f1 = tune_threshold(sim, pred, true)
    assert f1 == 1.0
    # smallest threshold reaching the best: the smallest known similarity
    assert t == pytest.approx(known_sim.min())
    assert unk_sim.max() < t <= known_sim.min()
    # many values -> quantile candidates (+2), still separates
    sim2 = np.concatenate([rng.uniform(0.6, 0.9, 500), rng.uniform(0.1, 0.5, 500)])
    true2 = np.concatenate([np.zeros(500, np.int64), -np.ones(500, np.int64)])
    t2, f12 = tune_threshold(sim2, np.zeros(1000, np.int64), true2, num_candidates=51)
    assert len(threshold_candidates(sim2, 51)) == 53
    assert f12 == 1.0 and 0.5 < t2 <= 0.6


def test_tune_threshold_all_known_keeps_everything():
    sim = np.array([0.2, 0.5, 0.9])
    t, f1 = tune_threshold(sim, [1, 2, 3], [1, 2, 3])
    assert f1 == 1.0 and t < 0.2  # the candidate below the minimum (smallest)


def test_ensemble_hand_example():
    # fold A knows labels 1, 2 (threshold 0.5); fold B knows 2, 3 (threshold 0.6)
    sims_a = np.array([[0.9, 0.1],    # q0: label 1 known to A only, margin 0.4
                       [0.3, 0.4],    # q1: everything below thresholds
                       [0.2, 0.7]])   # q2: label 2 in both: (0.2 + 0.1) / 2 = 0.15
    sims_b = np.array([[0.5, 0.2],
                       [0.5, 0.1],
                       [0.7, 0.65]])  # q2: label 3 known to B only, margin 0.05
    pred, margin = ensemble_fold_scores([sims_a, sims_b], [np.array([1, 2]), np.array([2, 3])],
                                        [0.5, 0.6])
    np.testing.assert_array_equal(pred, [1, -1, 2])
    # q1: label 2 -> (-0.1 + -0.1) / 2 = -0.1, label 1 -> -0.2, label 3 -> -0.5
    np.testing.assert_allclose(margin, [0.4, -0.1, 0.15], atol=1e-6)
    with pytest.raises(ValueError):
        ensemble_fold_scores([sims_a], [np.array([1, 2]), np.array([2, 3])], [0.5])
