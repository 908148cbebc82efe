# Stage 4: full fine-tuning from stage 3 (trunk and classifier).
# --cfg-options load_from=<stage 3 checkpoint>
_base_ = ['./vivit-tiny_adamw-30e_soccernet-v2-224x224_base.py']
optim_wrapper = dict(optimizer=dict(lr=1e-4))
