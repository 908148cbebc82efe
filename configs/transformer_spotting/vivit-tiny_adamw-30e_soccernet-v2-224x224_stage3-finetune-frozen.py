# Stage 3: spotting classifier on the frozen trunk of stage 2 (the distill head is unused).
# --cfg-options load_from=<stage 2 checkpoint>
_base_ = ['./vivit-tiny_adamw-30e_soccernet-v2-224x224_base.py']
model = dict(freeze_trunk=True)
optim_wrapper = dict(optimizer=dict(lr=1e-3))
