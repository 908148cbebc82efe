"""Player re-identification: mmpretrain ImageClassifier + ArcFace head + batch-hard triplet."""
from typing import List, Optional

import torch
import torch.nn.functional as F
from mmpretrain.models import ImageClassifier
from mmpretrain.structures import DataSample

from mmsport.registry import MODELS


@MODELS.register_module()
class ArcFaceTripletReID(ImageClassifier):
    """Open-set ReID embedder: backbone -> neck (embedding) -> ArcFace head, plus triplet.

    ::

        (B, 3, H, W) -backbone-> (B, C, h, w) -LinearNeck-> (B, E) embedding
        loss:    ArcFace CE on the embedding (labels >= 0) + triplet(embedding, labels)
        predict: L2-normalised embedding + closed-set scores (cosine logits, no margin)

    ``backbone``, ``neck`` and ``head`` are built by ImageClassifier with
    mmpretrain's MODELS registry, which follows the *current default scope*:
    under ``default_scope='mmsport'`` an unscoped ``type='ResNet'`` resolves to
    mmaction's ResNet (and the head's ``CrossEntropyLoss`` to mmaction's), so
    each of them must carry ``_scope_='mmpretrain'`` in the config.

    Samples with ``gt_label < 0`` (background / negative crops) are left out of
    the ArcFace loss; in the triplet loss they are negatives of every anchor and
    never positives nor anchors (see :class:`BatchHardTripletLoss`).

    Args:
        backbone: backbone config, e.g. mmpretrain ResNet with ``out_indices=(3,)``.
        neck: embedding neck, e.g. mmpretrain ``LinearNeck`` (``gap_dim=2``).
        head: ``ArcFaceClsHead`` config (``scale``, ``margins``, ``num_classes``).
        triplet_loss: triplet loss config, built in the mmsport scope; None: no
            triplet term.
        view_consistency_loss: optional :class:`ViewConsistencyLoss` config for
            multi-view fine-tuning; reads each sample's ``angle`` metainfo
            ('side' / 'top'), so the pipeline must pack ``angle``.
        data_preprocessor: default (and default type) mmpretrain's
            ``ClsDataPreprocessor``.
        init_cfg: mmengine init config of the whole model.
    """

    def __init__(self, backbone: dict, neck: dict, head: dict,
                 triplet_loss: Optional[dict] = dict(type='BatchHardTripletLoss', margin=0.3,
                                                     loss_weight=1.0),
                 view_consistency_loss: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None, init_cfg: Optional[dict] = None):
        if data_preprocessor is None or isinstance(data_preprocessor, dict):
            # ImageClassifier's own default type is unprefixed, which fails to resolve
            # under the mmsport scope; a copy also keeps the config dict unmodified.
            data_preprocessor = dict(data_preprocessor or {})
            data_preprocessor.setdefault('type', 'mmpretrain.ClsDataPreprocessor')
        super().__init__(backbone=backbone, neck=neck, head=head,
                         data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if isinstance(triplet_loss, dict):
            triplet_loss = dict(triplet_loss)
            triplet_loss.setdefault('_scope_', 'mmsport')
            triplet_loss = MODELS.build(triplet_loss)
        self.triplet_loss = triplet_loss
        if isinstance(view_consistency_loss, dict):
            view_consistency_loss = MODELS.build(dict(_scope_='mmsport', **view_consistency_loss))
        self.view_consistency_loss = view_consistency_loss

    def forward(self, inputs: torch.Tensor, data_samples: Optional[List[DataSample]] = None,
                mode: str = 'tensor'):
        """``mode='tensor'``: the (B, E) L2-normalised embeddings; else ImageClassifier's."""
        if mode == 'tensor':
            return self.extract_embeddings(inputs)
        return super().forward(inputs, data_samples, mode)

    def extract_embeddings(self, inputs: torch.Tensor) -> torch.Tensor:
        """inputs: (B, 3, H, W) preprocessed; returns (B, E) unit-norm embeddings."""
        return F.normalize(self.extract_feat(inputs)[-1].float(), dim=1)

    def loss(self, inputs: torch.Tensor, data_samples: List[DataSample]) -> dict:
        """Returns ``dict(loss_arcface=..., loss_triplet=...)`` (scalars)."""
        feats = self.extract_feat(inputs)  # tuple, feats[-1]: (B, E)
        labels = torch.cat([ds.gt_label for ds in data_samples]).to(feats[-1].device)  # (B,)
        known = labels >= 0  # (B,)
        losses = dict()
        if bool(known.all()):
            losses['loss_arcface'] = self.head.loss(feats, data_samples)['loss']
        elif bool(known.any()):
            keep = known.nonzero().flatten().tolist()
            losses['loss_arcface'] = self.head.loss(
                tuple(f[known] for f in feats), [data_samples[i] for i in keep])['loss']
        else:
            # no identity in the batch: a zero that still touches the head's parameters
            # (keeps DDP's gradient buckets complete)
            losses['loss_arcface'] = self.head(feats).sum() * 0.0
        if self.triplet_loss is not None:
            losses['loss_triplet'] = self.triplet_loss(feats[-1], labels)
        if self.view_consistency_loss is not None:
            is_top = torch.tensor([ds.metainfo.get('angle') == 'top' for ds in data_samples],
                                  device=labels.device)  # (B,)
            losses['loss_view'] = self.view_consistency_loss(feats[-1], labels, is_top)
        return losses

    def predict(self, inputs: torch.Tensor,
                data_samples: Optional[List[DataSample]] = None) -> List[DataSample]:
        """Data samples (created when None) with ``embedding`` (E,) unit norm and
        ``pred_score`` (C,) / ``pred_label`` (1,) from the margin-free cosine logits."""
        feats = self.extract_feat(inputs)  # tuple, feats[-1]: (B, E)
        embeddings = F.normalize(feats[-1].float(), dim=1)  # (B, E)
        samples = self.head.predict(feats, data_samples)
        for sample, emb in zip(samples, embeddings):
            sample.set_field(emb, 'embedding')
        return samples
