# Second cycle of the wider fast tracker (run ballunet-s2d2-c16_s3_adam-6000it_..._crop-320x180.py
# first): 6000 more iterations from its weights with a fresh warm-up + cosine cycle at half
# the peak learning rate (12000 in all), as the other chains' second cycles.
_base_ = './ballunet-s2d2-c16_s3_adam-6000it_shuttlecock-640x360_crop-320x180.py'

load_from = 'work_dirs/ballunet-s2d2-c16_s3_adam-6000it_shuttlecock-640x360_crop-320x180/iter_6000.pth'
optim_wrapper = dict(optimizer=dict(lr=1e-3))
