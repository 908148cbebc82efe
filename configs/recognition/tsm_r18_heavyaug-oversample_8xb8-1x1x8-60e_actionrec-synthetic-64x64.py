# CPU variant of model 2: model 1's CPU config on the repeat-factor oversampled set.
_base_ = './tsm_r18_heavyaug_8xb8-1x1x8-60e_actionrec-synthetic-64x64.py'
train_dataloader = dict(dataset=dict(
    _delete_=True, type='ClassBalancedDataset', oversample_thr=0.3,
    dataset=dict(type='RawframeCatDataset',
                 ann_file={{_base_.train_dataloader.dataset.ann_file}},
                 data_prefix={{_base_.train_dataloader.dataset.data_prefix}},
                 pipeline={{_base_.train_pipeline}})))
