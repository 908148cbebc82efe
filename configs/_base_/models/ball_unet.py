# TrackNet-style U-Net ball tracker over a stack of 3 frames (9 input channels).
model = dict(
    type='BallHeatmapTracker',
    data_preprocessor=dict(type='BallStackPreprocessor'),
    backbone=dict(type='BallUNet', in_channels=9, channels=(8, 16, 32, 64)),
    # sigma in heatmap pixels; vis_thr: peak probability below which "no ball"
    codec=dict(type='BallHeatmapCodec', sigma=1.5, vis_thr=0.5, target_codes=(1, 2)),
    loss=dict(type='WeightedBCEHeatmapLoss', gamma=2.0),
    test_cfg=dict(keep_heatmap=False))
