"""Ball tracking, bad inputs: labels, predictions and frames that are malformed,
non-finite, inconsistent or truncated give an error naming the file (and the line); a
batch of clips carries on past a bad one; nothing half-written is left behind."""
import os
import shutil

import numpy as np
import pytest

from mmsport.video.frame_sources import ClipFrames
from mmsport.datasets.tennis_io import read_frame
from mmsport.evaluation.ball_tracking_files import evaluate_tracking_files
from mmsport.fileio.ball_tracking import prediction_rows
from mmsport.fileio.errors import BallDataError
from mmsport.testing.bad_inputs import leftovers, rewrite_csv, truncate


@pytest.fixture
def split(tiny_tennis_root, tmp_path):
    """A copy of the tiny test split (game1/clip1: 16 jpgs + labels.csv) and perfect
    predictions for it."""
    from mmsport.fileio.ball_tracking import read_game_labels
    root = str(tmp_path / 'split')
    shutil.copytree(os.path.join(tiny_tennis_root, 'test'), root)
    clip = os.path.join(root, 'game1', 'clip1')
    preds = tmp_path / 'preds' / 'game1'
    preds.mkdir(parents=True)
    gt = read_game_labels(os.path.join(clip, 'labels.csv'))
    with open(preds / 'clip1.csv', 'w') as f:
        f.write('\n'.join(','.join(map(str, r)) for r in prediction_rows(gt)) + '\n')
    return root, clip, str(tmp_path / 'preds')


def _set(line, col, value):
    """An edit of rewrite_csv: row ``line`` (1 = header), column ``col`` := value."""
    def edit(rows):
        rows[line - 1][col] = value
    return edit


# (description, edit of labels.csv, expected message after "<file>")
LABEL_CASES = [
    ('missing column: x read as the code', lambda rows: [r.pop(1) for r in rows],
     r':1: column 2 is .*expected a code'),
    ('duplicated frame row', lambda rows: rows.insert(3, list(rows[2])),
     r":4: file name '0001.jpg' where frame 0002.jpg was expected"),
    ('missing frame row', lambda rows: rows.pop(5),
     r":6: file name '0005.jpg' where frame 0004.jpg was expected"),
    ('NaN coordinate', None, r":{line}: x 'nan' is not finite"),
    ('code outside the set', lambda rows: rows[1].__setitem__(1, '5'),
     r':2: code 5 is not one of 0, 1, 2, 3'),
]


@pytest.mark.parametrize('what,edit,msg', LABEL_CASES, ids=[c[0] for c in LABEL_CASES])
def test_bad_labels_name_file_and_line(split, what, edit, msg):
    root, clip, preds = split
    labels = os.path.join(clip, 'labels.csv')
    if edit is None:  # NaN x on the first visible row
        def edit(rows):
            i = next(i for i, r in enumerate(rows[1:], 1) if r[1] != '0')
            rows[i][2] = 'nan'
            edit.line = i + 1
        rewrite_csv(labels, edit)
        msg = msg.format(line=edit.line)
    else:
        rewrite_csv(labels, edit)
    with pytest.raises(BallDataError, match=labels.replace('\\', '\\\\') + msg):
        evaluate_tracking_files(root, preds)


@pytest.mark.parametrize('edit,msg', [
    (_set(1, 0, 'frm'), r':1: expected the header "frame,code,x,y"'),
    (lambda rows: rows.insert(3, list(rows[2])), r':4: frame 1 predicted twice'),
    (lambda rows: rows.pop(), r': frame-count mismatch: 15 of 16 frames predicted'),
    (lambda rows: rows[1].__setitem__(slice(1, 4), ['1', 'inf', '3']),
     r':2: x, y \(inf, 3\) not finite'),
    (_set(2, 1, '9'), r':2: code 9 is not one of'),
], ids=['header', 'duplicate', 'short', 'inf', 'code'])
def test_bad_predictions_name_file_and_line(split, edit, msg):
    root, clip, preds = split
    path = os.path.join(preds, 'game1', 'clip1.csv')
    rewrite_csv(path, edit)
    with pytest.raises(BallDataError, match=path.replace('\\', '\\\\') + msg):
        evaluate_tracking_files(root, preds)


def test_valid_split_scores_perfectly(split):
    root, _, preds = split
    assert evaluate_tracking_files(root, preds)['SiBaTrAcc'] == pytest.approx(1.0)


def test_truncated_jpg_is_an_error_not_a_grey_frame(split):
    _, clip, _ = split
    bad = truncate(os.path.join(clip, '0005.jpg'), 0.6)
    import cv2
    assert cv2.imread(bad) is not None  # OpenCV alone decodes it (rows filled grey)
    with pytest.raises(BallDataError, match=r'0005\.jpg: truncated or corrupt JPEG'):
        read_frame(bad, (80, 48))
    with pytest.raises(BallDataError, match=r'0005\.jpg: truncated'):
        list(ClipFrames(clip))
    read_frame(os.path.join(clip, '0004.jpg'), (80, 48))  # its neighbours are fine


def test_missing_last_frame_is_a_count_mismatch(split):
    root, clip, preds = split
    os.remove(os.path.join(clip, '0015.jpg'))
    with pytest.raises(BallDataError, match=r'labels\.csv: frame-count mismatch: 16 label '
                                            r'rows but 15 jpg frames'):
        evaluate_tracking_files(root, preds)


def test_batch_carries_on_and_leaves_nothing_for_the_bad_clip(split, tiny_tracker_files,
                                                              tmp_path):
    """Inference over a good clip and one with a truncated jpg: the good one is written,
    the bad one is reported with the jpg named and leaves no file behind."""
    from mmsport.apis.inferencers import BallTrackingInferencer
    _, clip, _ = split
    bad = str(tmp_path / 'bad_clip')
    shutil.copytree(clip, bad)
    truncate(os.path.join(bad, '0007.jpg'), 0.5)
    out = str(tmp_path / 'out')
    cfg_path, ckpt = tiny_tracker_files
    tracker = BallTrackingInferencer(cfg_path, ckpt, device='cpu', batch_size=4,
                                     show_progress=False)
    res = tracker([bad, clip], out_dir=out)['predictions']
    assert res[0]['error'] and '0007.jpg: truncated' in res[0]['error']
    assert res[1]['error'] is None and res[1]['frames'] == 16
    assert sorted(os.listdir(out)) == ['clip1.csv']  # no bad_clip.csv, no temp file
    assert not leftovers(out)
    rows = np.loadtxt(os.path.join(out, 'clip1.csv'), delimiter=',', skiprows=1,
                      usecols=(0, 1))
    assert rows.shape == (16, 2)
