# Third cycle of the wider fast tracker (after ..._crop-320x180.py and ..._from-6000it.py):
# 6000 more iterations from the second cycle's weights (the shipped `shuttlecock`), a fresh
# warm-up + cosine cycle at a quarter of the first cycle's peak learning rate (18000 in all).
# Each earlier cycle paid (held-out F1 0.812 -> 0.851 at 0.5); this one measures whether a
# third still does.
_base_ = './ballunet-s2d2-c16_s3_adam-6000it_shuttlecock-640x360_crop-320x180.py'

load_from = ('work_dirs/ballunet-s2d2-c16_s3_adam-6000it_shuttlecock-640x360_crop-320x180_'
             'from-6000it/iter_6000.pth')
optim_wrapper = dict(optimizer=dict(lr=5e-4))
