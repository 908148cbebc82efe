import copy

import pytest
import torch
from mmengine.optim import OptimWrapper
from mmpretrain.models import ArcFaceClsHead, ClsDataPreprocessor, LinearNeck
from mmpretrain.models import CrossEntropyLoss as PretrainCE
from mmpretrain.models import ResNet as PretrainResNet
from mmpretrain.structures import DataSample

from mmsport.models.losses import BatchHardTripletLoss
from mmsport.models.reid import ArcFaceTripletReID
from mmsport.registry import MODELS

NUM_CLASSES = 3
CFG = dict(
    type='ArcFaceTripletReID',
    backbone=dict(_scope_='mmpretrain', type='ResNet', depth=18, out_indices=(3,)),
    neck=dict(_scope_='mmpretrain', type='LinearNeck', in_channels=512, out_channels=512,
              gap_dim=2),
    head=dict(_scope_='mmpretrain', type='ArcFaceClsHead', num_classes=NUM_CLASSES,
              in_channels=512, scale=30.0, margins=0.5),
    triplet_loss=dict(type='BatchHardTripletLoss', margin=0.3, loss_weight=1.0),
    data_preprocessor=dict(type='mmpretrain.ClsDataPreprocessor',
                           mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375],
                           to_rgb=True))


def build(**overrides):
    cfg = copy.deepcopy(CFG)
    cfg.update(overrides)
    torch.manual_seed(0)
    return MODELS.build(cfg)


def batch(labels, seed=0):
    g = torch.Generator().manual_seed(seed)
    inputs = torch.randn(len(labels), 3, 64, 32, generator=g)  # (B, 3, H, W)
    return inputs, [DataSample().set_gt_label(int(lab)) for lab in labels]


@pytest.fixture(scope='module')
def model():
    return build()


def test_config_builds_the_mmpretrain_classes(model):
    assert isinstance(model, ArcFaceTripletReID)
    assert type(model.backbone) is PretrainResNet
    assert type(model.neck) is LinearNeck
    assert type(model.head) is ArcFaceClsHead
    assert type(model.head.loss_module) is PretrainCE
    assert model.head.scale == 30.0 and torch.allclose(model.head.margins, torch.tensor(0.5))
    assert type(model.data_preprocessor) is ClsDataPreprocessor
    assert isinstance(model.triplet_loss, BatchHardTripletLoss)
    # the default preprocessor type resolves from the mmsport scope too
    assert type(build(data_preprocessor=None).data_preprocessor) is ClsDataPreprocessor


def test_unscoped_resnet_is_mmactions():
    """The trap the ``_scope_`` avoids (docs/architecture.md, registry rule 3)."""
    cfg = copy.deepcopy(CFG['backbone'])
    cfg.pop('_scope_')
    assert type(MODELS.build(cfg)) is not PretrainResNet


def test_loss_keys_finite_and_backward(model):
    model.train()
    inputs, samples = batch([0, 0, 1, 1])
    losses = model(inputs, samples, mode='loss')
    assert set(losses) == {'loss_arcface', 'loss_triplet'}
    assert all(torch.isfinite(v) and v.ndim == 0 for v in losses.values())
    model.zero_grad()
    sum(losses.values()).backward()
    assert model.backbone.conv1.weight.grad.abs().sum() > 0
    assert model.head.norm_product.weight.grad.abs().sum() > 0


def test_one_sgd_step_reduces_the_loss():
    model = build()
    model.train()
    inputs, samples = batch([0, 0, 1, 1, 2, 2])
    optim = torch.optim.SGD(model.parameters(), lr=0.01)
    totals = []
    for _ in range(2):
        losses = model(inputs, samples, mode='loss')
        total = sum(losses.values())
        totals.append(total.item())
        optim.zero_grad()
        total.backward()
        optim.step()
    assert totals[1] < totals[0]


def test_predict_embeddings_and_tensor_mode(model):
    model.eval()
    inputs, samples = batch([0, 1, 2])
    with torch.no_grad():
        preds = model(inputs, None, mode='predict')
        tensor = model(inputs, mode='tensor')
        again = model.predict(inputs, samples)
    assert len(preds) == 3 and all(isinstance(p, DataSample) for p in preds)
    emb = torch.stack([p.embedding for p in preds])
    assert emb.shape == (3, 512) and tensor.shape == (3, 512)
    torch.testing.assert_close(emb.norm(dim=1), torch.ones(3))
    torch.testing.assert_close(tensor, emb)
    torch.testing.assert_close(model.extract_embeddings(inputs), emb)
    assert preds[0].pred_score.shape == (NUM_CLASSES,) and preds[0].pred_label.shape == (1,)
    assert again[1] is samples[1] and again[1].gt_label.item() == 1
    # closed-set scores are the margin-free cosine logits: softmax(s * cos)
    cos = emb @ torch.nn.functional.normalize(model.head.norm_product.weight, dim=1).t()
    torch.testing.assert_close(torch.stack([p.pred_score for p in preds]),
                               (30.0 * cos).softmax(1), atol=1e-5, rtol=1e-5)


def test_negatives_do_not_break_the_loss(model):
    model.train()
    inputs, samples = batch([0, 0, -1, 1, 1, -1])
    losses = model(inputs, samples, mode='loss')
    assert all(torch.isfinite(v) for v in losses.values())
    # the ArcFace term only sees the labelled samples
    with torch.no_grad():
        feats = model.extract_feat(inputs)
        keep = [0, 1, 3, 4]
        ref = model.head.loss(tuple(f[keep] for f in feats), [samples[i] for i in keep])
    torch.testing.assert_close(losses['loss_arcface'].detach(), ref['loss'])
    # a batch of negatives only: zero ArcFace loss, backward still reaches the head
    inputs, samples = batch([-1, -1, -1])
    losses = model(inputs, samples, mode='loss')
    assert losses['loss_arcface'].item() == 0.0 and losses['loss_triplet'].item() == 0.0
    model.zero_grad()
    sum(losses.values()).backward()
    assert model.head.norm_product.weight.grad is not None


def test_train_and_val_step_through_the_preprocessor():
    model = build(triplet_loss=dict(type='BatchHardTripletLoss', margin=None))
    g = torch.Generator().manual_seed(1)
    imgs = [torch.randint(0, 256, (3, 64, 32), generator=g, dtype=torch.uint8)
            for _ in range(4)]
    data = dict(inputs=imgs, data_samples=[DataSample().set_gt_label(i // 2) for i in range(4)])
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=1e-3))
    log_vars = model.train_step(copy.deepcopy(data), wrapper)
    assert {'loss', 'loss_arcface', 'loss_triplet'} <= set(log_vars)
    model.eval()
    outs = model.val_step(data)
    assert len(outs) == 4 and outs[0].embedding.shape == (512,)


def test_view_consistency_loss_reads_the_angle_metainfo():
    m = build(view_consistency_loss=dict(type='ViewConsistencyLoss', loss_weight=1.0))
    inputs, samples = batch([0, 0, 1, 1])
    for s, angle in zip(samples, ['side', 'top', 'side', 'side']):
        s.set_metainfo(dict(angle=angle))
    losses = m.loss(inputs, samples)
    assert set(losses) == {'loss_arcface', 'loss_triplet', 'loss_view'}
    assert 0 < losses['loss_view'].item() <= 2  # identity 0 is seen from both views
    sum(losses.values()).backward()
