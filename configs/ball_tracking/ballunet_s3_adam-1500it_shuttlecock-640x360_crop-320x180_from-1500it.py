# Longer schedule of the crop setting, measured as a second cycle: the tiny tracker
# of ballunet_s3_adam-1500it_shuttlecock-640x360_crop-320x180.py (run that first)
# trained for another 1500 iterations on 320x180 crops of 640x360 frames, with a
# fresh warm-up + cosine cycle (3000 in all). Same recipe as the 320x180 second
# cycle, so the two 3000-iteration rows compare resolution at equal budget.
_base_ = './ballunet_s3_adam-1500it_shuttlecock-640x360_crop-320x180.py'

load_from = 'work_dirs/ballunet_s3_adam-1500it_shuttlecock-640x360_crop-320x180/iter_1500.pth'
optim_wrapper = dict(optimizer=dict(lr=1e-3))
