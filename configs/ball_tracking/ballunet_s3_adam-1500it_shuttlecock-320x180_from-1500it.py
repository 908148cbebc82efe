# Longer schedule, measured as a second cycle: the 320x180 tiny tracker
# (ballunet_s3_adam-1500it_shuttlecock-320x180.py, run that first) trained for
# another 1500 iterations with a fresh warm-up + cosine cycle (3000 in all, 3.6 passes
# over the 6,600 training stacks). Answers "does the budget limit F1?".
_base_ = './ballunet_s3_adam-1500it_shuttlecock-320x180.py'

load_from = 'work_dirs/ballunet_s3_adam-1500it_shuttlecock-320x180/iter_1500.pth'
optim_wrapper = dict(optimizer=dict(lr=1e-3))
