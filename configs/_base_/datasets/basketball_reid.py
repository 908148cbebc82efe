# Basketball player crops (atmaCup22 layout) for one open-set fold. The default root is the
# synthetic set of tools/data/reid/make_synthetic.py; tools/data/reid/prepare_data.py writes
# the crop cache, train_crops.csv and train_negatives.csv the dataset reads.
dataset_type = 'BasketballReIDDataset'
data_root = 'data/reid'
input_hw = (224, 224)
fold = dict(fold=0, num_folds=5, unknowns_per_fold=2, val_ratio=0.2, fold_seed=0,
            fold_dir=None)  # None: <data_root>/fold_metadata
meta_keys = ('img_path', 'label_id', 'camid', 'role', 'angle')

train_pipeline = [
    dict(type='CheckedLoadImageFromFile'),
    dict(type='mmpretrain.Resize', scale=input_hw[::-1], keep_ratio=False),
    dict(type='mmpretrain.RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='mmpretrain.ColorJitter', brightness=0.2, contrast=0.2, saturation=0.2),
    dict(type='mmpretrain.PackInputs', meta_keys=meta_keys),
]
test_pipeline = [
    dict(type='CheckedLoadImageFromFile'),
    dict(type='mmpretrain.Resize', scale=input_hw[::-1], keep_ratio=False),
    dict(type='mmpretrain.PackInputs', meta_keys=meta_keys),
]
train_dataloader = dict(
    batch_size=32,  # P=8 identities x K=4 crops
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='PKSampler', num_instances=4, shuffle=True),
    dataset=dict(type=dataset_type, data_root=data_root, split='train', **fold,
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=64,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, split='val', **fold,
                 pipeline=test_pipeline, test_mode=True))
test_dataloader = val_dataloader
val_evaluator = dict(type='ReIDMetric', open_set=True, threshold=0.5)
test_evaluator = val_evaluator
