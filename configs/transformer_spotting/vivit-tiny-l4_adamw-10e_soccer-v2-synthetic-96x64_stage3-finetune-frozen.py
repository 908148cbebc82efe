# Stage 3 on the synthetic set: classifier on the frozen stage-2 trunk, 3 epochs.
# --cfg-options load_from=<stage 2 checkpoint>
_base_ = ['./vivit-tiny-l4_adamw-10e_soccer-v2-synthetic-96x64.py']
model = dict(freeze_trunk=True)
optim_wrapper = dict(optimizer=dict(lr=1e-3))
max_epochs = 3
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
param_scheduler = [dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=max_epochs,
                        T_max=max_epochs, eta_min=1e-5, convert_to_iter_based=True)]
default_hooks = dict(checkpoint=dict(interval=max_epochs))
