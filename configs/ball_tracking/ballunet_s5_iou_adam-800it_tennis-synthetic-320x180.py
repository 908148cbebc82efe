# A new experiment as a small delta: 5-frame stacks (the seed's stack_s=5) and the
# seed's soft-IoU loss instead of TrackNet's weighted BCE.
_base_ = './ballunet_s3_adam-800it_tennis-synthetic-320x180.py'

stack_size = 5
model = dict(backbone=dict(in_channels=3 * stack_size),
             loss=dict(_delete_=True, type='SoftIoUHeatmapLoss'))
train_dataloader = dict(dataset=dict(stack_size=stack_size))
val_dataloader = dict(dataset=dict(stack_size=stack_size))
test_dataloader = val_dataloader
