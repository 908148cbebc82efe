import filecmp
import os

import numpy as np

from mmsport.datasets.tennis_io import list_clips, read_labels_csv
from mmsport.testing import make_tiny_tennis_data


def test_deterministic_and_real_layout(tmp_path):
    a = make_tiny_tennis_data(str(tmp_path / 'a'), frames=40, clips=2, test_games=1)
    b = make_tiny_tennis_data(str(tmp_path / 'b'), frames=40, clips=2, test_games=1)
    for split in ('train', 'test'):
        clips = list_clips(os.path.join(a, split))
        assert [k for k, _ in clips] == ['game1/clip1', 'game1/clip2']
        for key, clip in clips:
            other = os.path.join(b, split, key)
            assert filecmp.cmp(os.path.join(clip, 'labels.csv'),
                               os.path.join(other, 'labels.csv'), shallow=False)
            assert filecmp.cmp(os.path.join(clip, '0007.jpg'), os.path.join(other, '0007.jpg'),
                               shallow=False)
            assert len([f for f in os.listdir(clip) if f.endswith('.jpg')]) == 40
    header = open(os.path.join(a, 'train/game1/clip1/labels.csv')).readline().strip()
    assert header == 'file name,code,x,y,q'


def test_codes_cover_all_four_states(tmp_path):
    root = make_tiny_tennis_data(str(tmp_path / 'c'), frames=120, clips=3, test_games=0,
                                 width=640, height=360)
    codes = np.concatenate([read_labels_csv(os.path.join(c, 'labels.csv'))[:, 0]
                            for _, c in list_clips(os.path.join(root, 'train'))])
    assert set(np.unique(codes)) == {0, 1, 2, 3}
    lab = np.concatenate([read_labels_csv(os.path.join(c, 'labels.csv'))
                          for _, c in list_clips(os.path.join(root, 'train'))])
    on = lab[:, 0] > 0
    assert (lab[on, 1] >= 0).all() and (lab[on, 1] < 640).all()
    assert (lab[on, 2] >= 0).all() and (lab[on, 2] < 360).all()


def test_rerun_skips_finished_clips(tmp_path, capsys):
    root = str(tmp_path / 'd')
    make_tiny_tennis_data(root, frames=8, test_games=0)
    capsys.readouterr()
    make_tiny_tennis_data(root, frames=8, test_games=0)
    assert 'game1/clip1' not in capsys.readouterr().out
