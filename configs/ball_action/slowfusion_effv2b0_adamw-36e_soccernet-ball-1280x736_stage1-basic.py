# Stage 1 (basic training) of the BAS-2023 winner: 7-fold game-level CV in the seed
# (tools/ball_action/train_cv.py), batch 4, 6000 samples an epoch, 36 epochs, EMA 0.999.
_base_ = [
    '../_base_/models/slow_fusion_stacker.py',
    '../_base_/datasets/soccernet_ball.py',
    '../_base_/schedules/adamw_warmup6_cosine30.py',
    '../_base_/default_runtime.py',
]
default_hooks = dict(logger=dict(interval=50),
                     checkpoint=dict(interval=6, save_best='mAP@1', rule='greater'))
log_processor = dict(by_epoch=True)
