# The shipped ball tracker, "shuttlecock" in model-index.yml (weights in
# configs/ball_tracking/weights/, no training needed):
#   python tools/inference.py shuttlecock match.mp4 --out-dir preds --vis
# Trained by the 640x360-crop chain (ballunet_s3_adam-1500it_shuttlecock-640x360_crop-320x180.py,
# then ..._from-1500it.py; 3000 iterations on 27 broadcast rallies). What this file adds
# is how the model is run, so that its number needs no --cfg-options:
# - the visibility threshold chosen on training rallies (tools/ball_tracking/choose_threshold.py);
# - the training geometry on other sources: frames fitted inside 640x360 with their aspect
#   ratio kept (1920x1080 -> 640x360, 2048x1536 -> 480x360), and stacks sampled at the
#   training frame rate (every 4th frame of a 120 fps video). For a camera that shows the
#   ball as small in pixels as a 1280x720 broadcast does (e.g. a high fixed camera at
#   2048x1536), scale by the training factor instead:
#   --cfg-options test_dataloader.dataset.input_scale=0.5 (-> 1024x768). Measured in
#   docs/tasks/ball_tracking.md: on an upsampled broadcast that scale loses the ball.
_base_ = './ballunet_s3_adam-1500it_shuttlecock-640x360_crop-320x180_from-1500it.py'

vis_thr = 0.35
model = dict(codec=dict(vis_thr=vis_thr))
load_from = None  # the chain's start; the shipped weights are loaded by name
val_dataloader = dict(dataset=dict(input_scale=None, target_fps=30))
test_dataloader = val_dataloader
