# The shipped ball tracker `shuttlecock` (model-index.yml; weights in configs/ball_tracking/
# weights/, no training needed): the wider fast tracker (16-32-64-128 U-Net behind a
# space-to-depth stem, 640x360 in and out) with TrackNetV3's background frame, each stack's
# fourth frame being the median of frames sampled over its 300-frame segment. Trained by
# the chain ballunet-s2d2-c16_s3_adam-6000it_..._crop-320x180.py, ..._from-6000it.py, then
# ballunet-s2d2-c16-bg300_..._from-12000it.py (18000 iterations on 27 broadcast rallies).
# What this file adds is how the model is run, as the other shipped configs do:
# - the visibility threshold chosen on nine training rallies (choose_threshold.py);
# - the training geometry on other sources: frames fitted inside 640x360 with their aspect
#   ratio kept, stacks sampled at the training frame rate (every 4th frame at 120 fps);
#   --cfg-options test_dataloader.dataset.input_scale=0.5 for a camera that shows the ball
#   as small as a 720p broadcast does (docs/tasks/ball_tracking.md).
# Streaming holds back one 300-frame segment (its median is the background): results lag
# the video by up to 10 s at 30 fps, with ~200 MB of resized frames held.
_base_ = './ballunet-s2d2-c16-bg300_s3_adam-6000it_shuttlecock-640x360_crop-320x180_from-12000it.py'

vis_thr = 0.45
model = dict(codec=dict(vis_thr=vis_thr))
load_from = None  # the chain's start; the shipped weights are loaded by name
val_dataloader = dict(dataset=dict(input_scale=None, target_fps=30))
test_dataloader = val_dataloader
