# The shipped wider ball tracker (model-index.yml; weights in configs/ball_tracking/weights/,
# no training needed). Trained by the wider fast chain
# (ballunet-s2d2-c16_s3_adam-6000it_..._crop-320x180.py, then ..._from-6000it.py; 12000
# iterations on 27 broadcast rallies): the 16-32-64-128 U-Net behind a space-to-depth stem,
# 640x360 in and out. What this file adds is how the model is run, as the other shipped
# configs do:
# - the visibility threshold chosen on nine training rallies (choose_threshold.py);
# - the training geometry on other sources: frames fitted inside 640x360 with their aspect
#   ratio kept, stacks sampled at the training frame rate (every 4th frame at 120 fps);
#   --cfg-options test_dataloader.dataset.input_scale=0.5 for a camera that shows the ball
#   as small as a 720p broadcast does (docs/tasks/ball_tracking.md).
_base_ = './ballunet-s2d2-c16_s3_adam-6000it_shuttlecock-640x360_crop-320x180_from-6000it.py'

vis_thr = 0.45
model = dict(codec=dict(vis_thr=vis_thr))
load_from = None  # the chain's start; the shipped weights are loaded by name
val_dataloader = dict(dataset=dict(input_scale=None, target_fps=30))
test_dataloader = val_dataloader
