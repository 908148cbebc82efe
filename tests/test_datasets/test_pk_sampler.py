import numpy as np
import pytest
from mmengine.runner import Runner

from mmsport.datasets.samplers import PKSampler
from mmsport.datasets.samplers import pk_sampler as pk_module
from mmsport.registry import DATA_SAMPLERS


class TinyReIDSet:
    """Anything with ``__len__``, ``__getitem__`` and ``get_data_info(i)['gt_label']``."""

    def __init__(self, labels):
        self.labels = list(labels)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return i

    def get_data_info(self, i):
        return dict(gt_label=self.labels[i])


# 9 identities with 2..10 images (unbalanced, short and long ones: 17 groups of 4)
# + 5 negatives
LABELS = [c for c in range(9) for _ in range(2 + c)] + [-1] * 5
K = 4


def labels_of(indices):
    return np.asarray(LABELS)[np.asarray(indices)]


def test_groups_of_k_share_an_identity_and_cover_the_set():
    sampler = PKSampler(TinyReIDSet(LABELS), num_instances=K, seed=0)
    idx = list(sampler)
    assert len(idx) == len(sampler) == K * 17
    groups = labels_of(idx).reshape(-1, K)
    assert (groups == groups[:, :1]).all()
    assert (groups >= 0).all()  # negatives skipped by default
    positives = {i for i, lab in enumerate(LABELS) if lab >= 0}
    assert set(idx) == positives  # every labelled image once (plus same-identity fillers)
    # a group holds distinct images whenever the identity has >= K of them
    for g in np.asarray(idx).reshape(-1, K):
        if LABELS.count(LABELS[g[0]]) >= K:
            assert len(set(g)) == K


@pytest.mark.parametrize('p', [2, 3, 4])
def test_batches_of_p_groups_are_p_identities(p):
    labels = [c for c in range(12) for _ in range(8)]  # balanced: 12 ids x 2 groups
    sampler = PKSampler(TinyReIDSet(labels), num_instances=K, seed=3)
    for epoch in range(5):
        sampler.set_epoch(epoch)
        lab = np.asarray(labels)[np.asarray(list(sampler))].reshape(-1, p * K)
        for b in lab:
            assert len(set(b.tolist())) == p
    # every window of P consecutive groups, not only aligned batches
    groups = np.asarray(labels)[np.asarray(list(sampler))][::K]
    for s in range(len(groups) - 6):
        assert len(set(groups[s:s + 7].tolist())) == 7  # h + 1 = 12 // 2 + 1


def test_determinism_per_seed_and_epoch():
    ds = TinyReIDSet(LABELS)
    a, b = PKSampler(ds, seed=7), PKSampler(ds, seed=7)
    assert list(a) == list(b)
    a.set_epoch(1)
    b.set_epoch(1)
    assert list(a) == list(b) and list(a) != list(PKSampler(ds, seed=7))
    assert list(PKSampler(ds, seed=8)) != list(PKSampler(ds, seed=7))
    # no shuffle: fixed order, independent of seed and epoch
    c = PKSampler(ds, shuffle=False, seed=1)
    c.set_epoch(3)
    assert list(c) == list(PKSampler(ds, shuffle=False, seed=2))
    assert (labels_of(list(c)).reshape(-1, K) == labels_of(list(c)).reshape(-1, K)[:, :1]).all()


def test_negatives_as_groups():
    sampler = PKSampler(TinyReIDSet(LABELS), num_instances=K, seed=0, include_negatives=True)
    groups = labels_of(list(sampler)).reshape(-1, K)
    assert (groups == groups[:, :1]).all()
    assert (groups[:, 0] < 0).sum() == 1  # 5 negatives // K = 1 group
    assert len(sampler) == len(groups) * K


@pytest.mark.parametrize('round_up', [True, False])
def test_two_rank_split(monkeypatch, round_up):
    ds = TinyReIDSet(LABELS)
    shares = []
    for rank in range(2):
        monkeypatch.setattr(pk_module, 'get_dist_info', lambda r=rank: (r, 2))
        sampler = PKSampler(ds, num_instances=K, seed=5, round_up=round_up)
        idx = list(sampler)
        assert len(idx) == len(sampler)
        groups = labels_of(idx).reshape(-1, K)
        assert (groups == groups[:, :1]).all()
        shares.append(idx)
    monkeypatch.setattr(pk_module, 'get_dist_info', lambda: (0, 1))
    full = list(PKSampler(ds, num_instances=K, seed=5))
    n_groups = len(full) // K  # 17: odd
    if round_up:  # equal shares, the second padded with the first group
        assert len(shares[0]) == len(shares[1]) == K * (n_groups + 1) // 2
        assert shares[0] + shares[1] == full + full[:K]
    else:  # uneven, no repeats
        assert shares[0] + shares[1] == full
        assert abs(len(shares[0]) - len(shares[1])) == K


def test_builds_through_the_runner():
    ds = TinyReIDSet(LABELS)
    assert isinstance(DATA_SAMPLERS.build(dict(type='PKSampler', dataset=ds)), PKSampler)
    loader = Runner.build_dataloader(
        dict(batch_size=8, num_workers=0,
             sampler=dict(type='PKSampler', num_instances=4), dataset=ds), seed=11)
    assert isinstance(loader.sampler, PKSampler) and loader.sampler.seed == 11
    batches = list(loader)
    assert batches and all(len(b) == 8 for b in batches[:-1])
    for b in batches:
        lab = labels_of(b).reshape(-1, K)
        assert (lab == lab[:, :1]).all()
