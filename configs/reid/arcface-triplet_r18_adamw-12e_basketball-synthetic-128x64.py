# CPU default on the synthetic set (tools/data/reid/make_synthetic.py -> data/reid,
# crops by tools/data/reid/prepare_data.py): 128x64 crops, side and top views,
# 12 short epochs at lr 1e-3 (the seed's 1e-4 is for ImageNet-initialised weights;
# here the ResNet18 starts from scratch).
_base_ = './arcface-triplet_r18_adamw-12e_atmacup22-224x224_stage1-side.py'
input_hw = (128, 64)
_resize = dict(type='mmpretrain.Resize', scale=input_hw[::-1], keep_ratio=False)
train_pipeline = [
    dict(type='CheckedLoadImageFromFile'), _resize,
    dict(type='mmpretrain.RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='mmpretrain.ColorJitter', brightness=0.2, contrast=0.2, saturation=0.2),
    dict(type='mmpretrain.PackInputs', meta_keys={{_base_.meta_keys}}),
]
test_pipeline = [
    dict(type='CheckedLoadImageFromFile'), _resize,
    dict(type='mmpretrain.PackInputs', meta_keys={{_base_.meta_keys}}),
]
train_dataloader = dict(num_workers=1, dataset=dict(angles=None, pipeline=train_pipeline))
val_dataloader = dict(num_workers=1, dataset=dict(angles=None, pipeline=test_pipeline))
test_dataloader = val_dataloader
optim_wrapper = dict(optimizer=dict(lr=1e-3))
