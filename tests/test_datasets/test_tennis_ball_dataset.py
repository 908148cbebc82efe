import os

import numpy as np
import torch

from mmsport.datasets import TennisBallDataset
from mmsport.registry import DATASETS

CODEC = dict(type='BallHeatmapCodec', sigma=1.5)


def _ds(root, **kw):
    return TennisBallDataset(
        data_root=os.path.join(root, 'train'), stack_size=3, input_size=(80, 45),
        pipeline=[dict(type='LoadBallFrameStack'), dict(type='BallHeatmapTarget', codec=CODEC),
                  dict(type='PackBallInputs')], **kw)


def test_one_sample_per_frame_and_shapes(tiny_tennis_root):
    ds = _ds(tiny_tennis_root)
    assert len(ds) == 16
    item = ds[5]
    assert item['inputs'].shape == (9, 45, 80) and item['inputs'].dtype == torch.uint8
    s = item['data_samples']
    assert s.metainfo['key'] == 'game1/clip1' and s.metainfo['frame_idx'] == 5
    assert tuple(s.metainfo['full_size']) == (320, 180)
    assert s.gt_heatmap.shape == (45, 80)
    assert (s.gt_heatmap.max() > 0.9) == (s.gt_ball[0] in (1, 2))


def test_stack_is_frames_t_minus_2_to_t(tiny_tennis_root):
    ds = _ds(tiny_tennis_root)
    a, b = ds[4]['inputs'], ds[5]['inputs']
    # frame 4 is the newest of stack 4 and the middle of stack 5
    assert torch.equal(a[6:9], b[3:6])
    # the first stack repeats frame 0
    first = ds[0]['inputs']
    assert torch.equal(first[0:3], first[6:9])


def test_flip_mirrors_label_and_pixels(tiny_tennis_root):
    from mmsport.datasets.transforms import LoadBallFrameStack, RandomFlipBallStack
    ds = TennisBallDataset(data_root=os.path.join(tiny_tennis_root, 'train'),
                           input_size=(80, 45), pipeline=[])
    info = ds.get_data_info(int(np.flatnonzero([d['gt_ball'][0] > 0 for d in
                                                (ds.get_data_info(i) for i in range(16))])[0]))
    loaded = LoadBallFrameStack()(dict(info))
    flipped = RandomFlipBallStack(prob=1.0)(dict(loaded))
    np.testing.assert_array_equal(flipped['imgs'], loaded['imgs'][:, :, ::-1])
    assert flipped['gt_ball'][1] == 320 - 1 - loaded['gt_ball'][1]
    assert flipped['gt_ball'][2] == loaded['gt_ball'][2]


def test_builds_from_registry_with_game_filter(tiny_tennis_root):
    ds = DATASETS.build(dict(type='TennisBallDataset', data_root=tiny_tennis_root + '/train',
                             games=[1], pipeline=[]))
    assert len(ds) == 16
