# Slow vs early fusion on a larger synthetic set (issue #3; README "Ball action spotting"):
#   python tools/data/soccer/make_synthetic.py --out data/soccer_fusion --games 16
# 12 games train, 4 held out (~90 events), 12 epochs of 400 samples; otherwise the CPU default.
_base_ = './slowfusion_effv2b0_adamw-6e_soccer-synthetic-160x96.py'
data_root = 'data/soccer_fusion'
_epl, _liga = 'england_epl/2022-2023/', 'spain_laliga/2021-2022/'
train_games = [_epl + g for g in (
    '2022-08-03 - Lakeside 1 - 1 Westbrook', '2022-08-09 - Harbour City 0 - 2 Northfield',
    '2022-08-14 - Kingsport 0 - 3 Lakeside', '2022-08-20 - Old Town 2 - 1 Kingsport',
    '2022-08-25 - Harbour City 1 - 1 Old Town', '2022-09-01 - Northfield 3 - 0 Westbrook')] + [
    _liga + g for g in (
        '2021-08-06 - Riverside 2 - 0 Eastgate', '2021-08-11 - Eastgate 0 - 2 Riverside',
        '2021-08-18 - Northfield 1 - 1 Harbour City', '2021-08-22 - Kingsport 1 - 2 Harbour City',
        '2021-08-30 - Eastgate 2 - 0 Westbrook', '2021-09-04 - Westbrook 1 - 0 Kingsport')]
val_games = [_epl + '2022-09-08 - Riverside 1 - 0 Eastgate',
             _epl + '2022-09-13 - Lakeside 3 - 3 Harbour City',
             _liga + '2021-09-09 - Eastgate 0 - 0 Westbrook',
             _liga + '2021-09-16 - Westbrook 3 - 2 Eastgate']
train_dataloader = dict(dataset=dict(data_root=data_root, games=train_games))
val_dataloader = dict(dataset=dict(data_root=data_root, games=val_games))
test_dataloader = val_dataloader
val_evaluator = dict(data_root=data_root)
test_evaluator = val_evaluator
train_cfg = dict(max_epochs=12, val_interval=12)
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-2, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=1, end=12, T_max=11, eta_min=3e-6,
         convert_to_iter_based=True),
]
default_hooks = dict(checkpoint=dict(interval=12))
