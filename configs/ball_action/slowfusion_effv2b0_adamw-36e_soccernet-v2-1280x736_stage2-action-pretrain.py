# Stage 2: the same model trained on SoccerNet-v2 action spotting labels (17 classes).
_base_ = './slowfusion_effv2b0_adamw-36e_soccernet-ball-1280x736_stage1-basic.py'
classes = ('Penalty', 'Kick-off', 'Goal', 'Substitution', 'Offside', 'Shots on target',
           'Shots off target', 'Clearance', 'Ball out of play', 'Throw-in', 'Foul',
           'Indirect free-kick', 'Direct free-kick', 'Corner', 'Yellow card', 'Red card',
           'Yellow->red card')
model = dict(num_classes=len(classes))
_ds = dict(classes=classes, label_file='Labels-v2.json')
train_dataloader = dict(dataset=_ds)
val_dataloader = dict(dataset=_ds)
test_dataloader = val_dataloader
val_evaluator = dict(classes=classes, label_file='Labels-v2.json', tolerances=('at1', 'tight'))
test_evaluator = val_evaluator
