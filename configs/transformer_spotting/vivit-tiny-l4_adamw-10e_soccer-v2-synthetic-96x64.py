# CPU default on the synthetic SoccerNet-v2 set (tools/data/soccer/make_synthetic.py
# --v2-events 12 -> data/soccer_v2: 8 games of 2 x 120 s, 224x128 video): 96x64 frames,
# 16 s windows at 2 fps (T = 32), the 7 classes the generator stages, 6 games train and
# 2 games test (also the end-of-training evaluation). Trains from random weights: the
# "scratch" variant; the synthetic stage configs next to it inherit this one.
# CPU budget: the spatial ViT keeps ViT-tiny's width (192, 3 heads) but has 4 layers instead
# of 12 (about 1 s an iteration of 8 windows on 2 cores instead of 2.5 s); the temporal
# transformer is the real one (depth 6). lr 3e-4: at 1e-3 a ViT from scratch did not even
# fit 8 fixed windows in 200 steps (stuck at the class prior); at 3e-4 it did.
_base_ = ['./vivit-tiny_adamw-30e_soccernet-v2-224x224_base.py']
data_root = 'data/soccer_v2'
classes = ('Kick-off', 'Goal', 'Substitution', 'Throw-in', 'Corner', 'Yellow card', 'Red card')
train_games = ['england_epl/2022-2023/2022-08-03 - Eastgate 0 - 0 Westbrook',
               'england_epl/2022-2023/2022-08-07 - Old Town 2 - 1 Lakeside',
               'england_epl/2022-2023/2022-08-14 - Kingsport 3 - 3 Old Town',
               'spain_laliga/2021-2022/2021-08-06 - Lakeside 3 - 1 Riverside',
               'spain_laliga/2021-2022/2021-08-10 - Northfield 0 - 2 Eastgate',
               'spain_laliga/2021-2022/2021-08-17 - Harbour City 1 - 2 Old Town']
test_games = ['england_epl/2022-2023/2022-08-21 - Harbour City 1 - 1 Riverside',
              'spain_laliga/2021-2022/2021-08-24 - Eastgate 0 - 3 Kingsport']
_io = dict(data_root=data_root, classes=classes, window_seconds=16, input_size=(96, 64))
vit_tiny_l4 = dict(embed_dims=192, num_layers=4, num_heads=3, feedforward_channels=768)
model = dict(num_classes=len(classes), num_timesteps=32,
             spatial_encoder=dict(arch=dict(_delete_=True, **vit_tiny_l4), img_size=(64, 96),
                                  drop_path_rate=0.0))
optim_wrapper = dict(optimizer=dict(lr=3e-4))
train_dataloader = dict(batch_size=8, num_workers=1, persistent_workers=True,
                        dataset=dict(games=train_games, samples_per_epoch=480, **_io))
val_dataloader = dict(batch_size=8, num_workers=1,
                      dataset=dict(games=test_games, stride_seconds=8, **_io))
test_dataloader = val_dataloader
# 16 s windows every 8 s: drop 2 s (4 timesteps <= (32 - 16) / 2) at inner window edges
val_evaluator = dict(data_root=data_root, classes=classes, margin=4)
test_evaluator = val_evaluator
max_epochs = 10
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-2, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=1, end=max_epochs,
         T_max=max_epochs - 1, eta_min=1e-6, convert_to_iter_based=True),
]
default_hooks = dict(logger=dict(interval=10),
                     checkpoint=dict(interval=max_epochs, save_best=None, max_keep_ckpts=1))
