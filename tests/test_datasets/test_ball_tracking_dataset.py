import os

import numpy as np
import pytest
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


# ---- every public layout, videos decoded straight from the file
@pytest.fixture(scope='module')
def video_roots(tiny_tennis_root, tmp_path_factory):
    from mmsport.testing.ball_layouts import write_ball_layout
    base = tmp_path_factory.mktemp('ds_layouts')
    split = os.path.join(tiny_tennis_root, 'train')
    return {lay: write_ball_layout(split, str(base / lay), lay)
            for lay in ('tracknet', 'shuttlecock', 'video_csv')}


@pytest.mark.parametrize('layout', ['tracknet', 'shuttlecock', 'video_csv'])
def test_every_layout_loads_with_the_same_labels(tiny_tennis_root, video_roots, layout):
    from mmsport.datasets import BallTrackingDataset
    ref = _ds(tiny_tennis_root)
    ds = BallTrackingDataset(
        data_root=video_roots[layout], stack_size=3, input_size=(80, 45),
        pipeline=[dict(type='LoadBallFrameStack'), dict(type='BallHeatmapTarget', codec=CODEC),
                  dict(type='PackBallInputs')])
    assert len(ds) == len(ref) == 16
    for i in (0, 7, 15):
        a, b = ds[i], ref[i]
        assert a['inputs'].shape == b['inputs'].shape == (9, 45, 80)
        assert (a['data_samples'].gt_ball[0] != 0) == (b['data_samples'].gt_ball[0] != 0)
        # video layouts are re-encoded (lossy mp4v): close, not equal
        diff = (a['inputs'].float() - b['inputs'].float()).abs().mean()
        assert diff < (0.5 if layout == 'tracknet' else 12), diff


def test_video_frames_decoded_once_and_equal_to_sequential_decode(video_roots):
    import cv2

    from mmsport.datasets.transforms import LoadBallFrameStack
    from mmsport.video import resize_frame
    path = os.path.join(video_roots['video_csv'], 'g1c1.mp4')
    cap, seq = cv2.VideoCapture(path), []
    while True:
        ok, f = cap.read()
        if not ok:
            break
        seq.append(resize_frame(f, (80, 45)))
    load = LoadBallFrameStack(video_segment_frames=5)
    order = np.random.default_rng(0).permutation(len(seq))
    for t in order:  # random order, segments of 5 frames (seeks)
        out = load.transform(dict(clip_dir=path, is_video=True, frame_idx=int(t), stack_size=3,
                                  input_size=(80, 45), full_size=(320, 180)))
        for j, i in enumerate([max(0, t - 2), max(0, t - 1), t]):
            np.testing.assert_array_equal(out['imgs'][j], seq[i])
    assert load.video_cache.decoded_frames == len(seq)


def test_video_row_count_mismatch_names_the_file(video_roots, tmp_path):
    import shutil

    from mmsport.datasets import BallTrackingDataset
    from mmsport.fileio import BallDataError
    root = tmp_path / 'v'
    shutil.copytree(video_roots['video_csv'], root)
    lines = (root / 'g1c1.csv').read_text().splitlines()
    (root / 'g1c1.csv').write_text('\n'.join(lines[:-1]) + '\n')
    with pytest.raises(BallDataError, match=r'g1c1.csv: frame-count mismatch: 15 label rows '
                                            r'but the video .*g1c1.mp4 has 16 frames'):
        BallTrackingDataset(data_root=str(root), pipeline=[])


# ---- RandomBallCrop: a crop is a smaller frame, labels and target follow it
def _crop_input(ball_xy, code=1):
    from mmsport.registry import TASK_UTILS
    h, w = 40, 64  # input pixels; full resolution is twice that
    imgs = np.zeros((3, h, w, 3), np.uint8)
    imgs[..., 0] = np.arange(w)[None, None, :]  # channel 0 = x, channel 1 = y
    imgs[..., 1] = np.arange(h)[None, :, None]
    ball = np.array([code, *ball_xy], np.float64)
    heat = TASK_UTILS.build(CODEC).encode(ball[None], (128, 80), (w, h))[0]
    return dict(imgs=imgs, gt_heatmap=heat, gt_ball=ball, full_size=(128, 80), input_size=(w, h))


def test_ball_crop_keeps_the_ball_and_its_target():
    from mmsport.datasets.transforms import RandomBallCrop
    from mmsport.registry import TASK_UTILS
    codec = TASK_UTILS.build(CODEC)
    np.random.seed(0)
    for _ in range(20):
        out = RandomBallCrop((16, 10), ball_prob=1.0)(_crop_input((101.0, 37.0)))
        x0, y0 = int(out['imgs'][0, 0, 0, 0]), int(out['imgs'][0, 0, 0, 1])
        assert out['imgs'].shape == (3, 10, 16, 3) and out['gt_heatmap'].shape == (10, 16)
        assert out['input_size'] == (16, 10) and out['full_size'] == (32, 20)
        # the ball (input pixel 50, 18) is inside, in full-resolution pixels of the crop
        assert x0 <= 50 < x0 + 16 and y0 <= 18 < y0 + 10
        np.testing.assert_allclose(out['gt_ball'], [1, 101 - 2 * x0, 37 - 2 * y0])
        # the cropped target is the target of the crop's own label
        np.testing.assert_allclose(
            out['gt_heatmap'], codec.encode(out['gt_ball'][None], (32, 20), (16, 10))[0],
            atol=1e-6)


def test_ball_crop_uniform_crops_and_ball_outside():
    from mmsport.datasets.transforms import RandomBallCrop
    np.random.seed(1)
    origins, outside = set(), 0
    for _ in range(400):
        out = RandomBallCrop((16, 10), ball_prob=0.0)(_crop_input((4.0, 4.0)))
        x0, y0 = int(out['imgs'][0, 0, 0, 0]), int(out['imgs'][0, 0, 0, 1])
        origins.add((x0, y0))
        if x0 > 2 or y0 > 2:  # ball at input pixel (1.75, 1.75) is cut off
            outside += 1
            assert out['gt_ball'].tolist() == [0, 0, 0]
    xs, ys = zip(*origins)
    assert (min(xs), max(xs), min(ys), max(ys)) == (0, 48, 0, 30)
    assert outside > 300
    # a frame without a ball stays without one
    out = RandomBallCrop((16, 10), ball_prob=1.0)(_crop_input((0.0, 0.0), code=0))
    assert out['gt_ball'][0] == 0 and out['gt_heatmap'].max() == 0


def test_ball_crop_rejects_bad_sizes():
    from mmsport.datasets.transforms import RandomBallCrop
    with pytest.raises(ValueError, match='larger than the input'):
        RandomBallCrop((65, 10))(_crop_input((4.0, 4.0)))
    with pytest.raises(ValueError, match='ball_prob'):
        RandomBallCrop((16, 10), ball_prob=1.5)
