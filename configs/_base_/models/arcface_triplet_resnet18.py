# Player re-identification: mmpretrain ResNet18 -> 512-d LinearNeck (pooled, BN1d) ->
# ArcFace (s 30, m 0.5) + batch-hard triplet (lambda 1.0). Nested mmpretrain modules carry
# _scope_='mmpretrain' (a bare 'ResNet' would resolve to mmaction's ResNet).
# head.num_classes = the fold's known identities; tools/reid/train_cv.py sets it per fold.
model = dict(
    type='ArcFaceTripletReID',
    data_preprocessor=dict(type='mmpretrain.ClsDataPreprocessor',
                           mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375],
                           to_rgb=True),
    backbone=dict(_scope_='mmpretrain', type='ResNet', depth=18, out_indices=(3, )),
    neck=dict(_scope_='mmpretrain', type='LinearNeck', in_channels=512, out_channels=512,
              gap_dim=2),
    head=dict(_scope_='mmpretrain', type='ArcFaceClsHead', num_classes=9, in_channels=512,
              scale=30., margins=0.5),
    triplet_loss=dict(type='BatchHardTripletLoss', margin=0.3, loss_weight=1.0))
