"""ReIDMetric end to end on synthetic embeddings."""
import numpy as np
import pytest
import torch
from mmengine.evaluator import Evaluator

from mmsport.evaluation.metrics import ReIDMetric
from mmsport.registry import METRICS

DIM = 32
KEYS = {'reid/mAP', 'reid/rank1', 'reid/rank5', 'reid/macro_f1', 'reid/macro_f1_best',
        'reid/best_threshold'}


def _samples(emb, labels, cams, role):
    return [dict(embedding=torch.as_tensor(e, dtype=torch.float32), label_id=int(lab),
                 camid=int(c), role=role) for e, lab, c in zip(emb, labels, cams)]


def _clustered(rng, num_ids=6, per_id=5, noise=0.05):
    centres = np.linalg.qr(rng.normal(size=(DIM, DIM)))[0][:num_ids + 3]  # orthonormal
    g_lab = np.repeat(np.arange(num_ids), per_id)
    g_emb = centres[g_lab] + noise * rng.normal(size=(len(g_lab), DIM))
    q_lab = np.repeat(np.arange(num_ids), 2)
    q_emb = centres[q_lab] + noise * rng.normal(size=(len(q_lab), DIM))
    # unknown players / negatives: other orthogonal directions, far from every centroid
    u_emb = centres[num_ids + rng.integers(0, 3, 8)] + noise * rng.normal(size=(8, DIM))
    gallery = _samples(g_emb, g_lab, np.zeros(len(g_lab)), 'gallery')
    queries = _samples(np.concatenate([q_emb, u_emb]),
                       np.concatenate([q_lab, -np.ones(8, int)]),
                       np.ones(len(q_lab) + 8), 'query')
    return gallery + queries


def _evaluate(samples, **kwargs):
    evaluator = Evaluator(dict(type='ReIDMetric', **kwargs))
    for i in range(0, len(samples), 7):
        evaluator.process(samples[i:i + 7])
    return evaluator.evaluate(len(samples))


def test_registered():
    assert METRICS.get('ReIDMetric') is ReIDMetric


def test_clustered_embeddings_are_perfect():
    res = _evaluate(_clustered(np.random.default_rng(0)), threshold=0.5)
    assert set(res) == KEYS
    assert res['reid/rank1'] == 1.0 and res['reid/rank5'] == 1.0
    assert res['reid/mAP'] == pytest.approx(1.0)
    assert res['reid/macro_f1'] == 1.0  # knowns ~1.0 similarity, unknowns ~0
    assert res['reid/macro_f1_best'] == 1.0
    assert 0.2 < res['reid/best_threshold'] < 0.99


def test_random_embeddings_are_imperfect():
    rng = np.random.default_rng(1)
    g_lab = np.repeat(np.arange(10), 4)
    q_lab = np.concatenate([rng.integers(0, 10, 40), -np.ones(10, int)])
    samples = (_samples(rng.normal(size=(40, DIM)), g_lab, rng.integers(0, 3, 40), 'gallery')
               + _samples(rng.normal(size=(50, DIM)), q_lab, rng.integers(0, 3, 50), 'query'))
    res = _evaluate(samples, threshold=0.2)
    for key in ('reid/mAP', 'reid/rank1', 'reid/rank5', 'reid/macro_f1',
                'reid/macro_f1_best'):
        assert 0.0 <= res[key] < 1.0, key
    assert res['reid/rank1'] <= res['reid/rank5']
    assert res['reid/macro_f1'] <= res['reid/macro_f1_best']


def test_closed_set_only_and_prefix():
    res = _evaluate(_clustered(np.random.default_rng(2)), open_set=False, ranks=(1, 3),
                    prefix='val')
    assert set(res) == {'val/mAP', 'val/rank1', 'val/rank3'}


def test_missing_roles_raise():
    samples = _clustered(np.random.default_rng(3))
    with pytest.raises(ValueError, match='no gallery'):
        _evaluate([s for s in samples if s['role'] == 'query'])
    with pytest.raises(ValueError, match='no query'):
        _evaluate([s for s in samples if s['role'] == 'gallery'])
    metric = ReIDMetric()
    with pytest.raises(ValueError, match='role'):
        metric.process(None, [dict(embedding=torch.zeros(4), label_id=1, camid=0,
                                   role='probe')])


def test_no_known_query_skips_closed_set():
    rng = np.random.default_rng(4)
    samples = (_samples(rng.normal(size=(6, DIM)), [0, 0, 1, 1, 2, 2], [0] * 6, 'gallery')
               + _samples(rng.normal(size=(3, DIM)), [-1, -1, 9], [1] * 3, 'query'))
    res = _evaluate(samples)
    assert set(res) == {'reid/macro_f1', 'reid/macro_f1_best', 'reid/best_threshold'}
