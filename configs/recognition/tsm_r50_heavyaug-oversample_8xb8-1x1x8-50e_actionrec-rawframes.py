# Model 2 of the seed: model 1 trained on an oversampled set. Repeat-factor sampling through
# mmengine's ClassBalancedDataset: a class whose frequency f is below oversample_thr is
# repeated ceil-ish max(1, sqrt(thr / f)) times per epoch.
_base_ = './tsm_r50_heavyaug_8xb8-1x1x8-50e_actionrec-rawframes.py'
oversample_thr = 0.3
train_dataloader = dict(dataset=dict(
    _delete_=True, type='ClassBalancedDataset', oversample_thr=oversample_thr,
    dataset=dict(type='RawframeCatDataset',
                 ann_file={{_base_.train_dataloader.dataset.ann_file}},
                 data_prefix={{_base_.train_dataloader.dataset.data_prefix}},
                 pipeline={{_base_.train_pipeline}})))
