"""Action recognition, bad inputs: videos and their extracted frames, and the ensemble's
inputs (result pickles, test list, class list, COCO json, ground truth). Errors name the
file (and the line / position); frame extraction carries on past a video that ends early
and never marks it done; the ensemble writes no submission from a misaligned input."""
import os
import pickle

import cv2
import numpy as np
import pytest

from mmsport.apis.postprocess.ensemble_io import EnsembleError, load_coco_images
from mmsport.cli import extract_frames as ext_cli
from mmsport.cli import recognition_ensemble as tool
from mmsport.testing.bad_inputs import files_under, leftovers, truncate, write_json
from mmsport.video import extract_frames as ext

CLASSES = ['run', 'stand']
VIDS = ['v0', 'v1', 'v2']


def _avi(path, n=30, seed=0):
    """An MJPG .avi: its header declares the frame count, and a truncated copy still
    opens and decodes its first frames (the case that used to be marked done)."""
    rng = np.random.default_rng(seed)
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*'MJPG'), 25, (64, 48))
    for _ in range(n):
        w.write(rng.integers(0, 255, (48, 64, 3), dtype=np.uint8))
    w.release()
    return str(path)


def test_extraction_fails_a_video_that_ends_early_and_goes_on(tmp_path, capsys):
    src, out = tmp_path / 'videos', str(tmp_path / 'frames')
    src.mkdir()
    _avi(src / 'a.avi', seed=1)
    _avi(src / 'c.avi', seed=3)
    cut = truncate(_avi(src / 'b.avi', seed=2), 0.6)
    cap = cv2.VideoCapture(cut)  # it opens and declares 30 frames ...
    assert cap.isOpened() and int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 30
    cap.release()
    assert ext_cli.main([str(src), out, '--ext', 'avi']) == 1
    cap = capsys.readouterr()
    assert f'FAILED {cut}: opencv: RuntimeError: truncated: decoded' in cap.err
    assert 'of the 30 frames its container declares' in cap.err
    assert '2 extracted' in cap.out and '1 failed' in cap.out
    assert sorted(os.listdir(out)) == ['a', 'c']  # ... but b is neither there nor done
    assert ext.done_count(os.path.join(out, 'a')) == 30
    assert not leftovers(out)
    # a re-run retries b (not skipped as done) and still fails it
    assert ext_cli.main([str(src), out, '--ext', 'avi', '--backend', 'decord']) == 1
    err = capsys.readouterr().err
    assert 'decord: RuntimeError: truncated' in err and ext.done_count(
        os.path.join(out, 'b')) is None


def test_scan_frames_reports_a_truncated_jpg(tmp_path):
    from mmsport.datasets.preparation.video_inputs import scan_frames
    src, out = tmp_path / 'videos', str(tmp_path / 'frames')
    src.mkdir()
    _avi(src / 'a.avi', n=8)
    assert ext_cli.main([str(src), out, '--ext', 'avi']) == 0
    folder = os.path.join(out, 'a')
    assert scan_frames(folder)[0] == 8
    truncate(os.path.join(folder, 'img_00005.jpg'), 0.5)
    n, reason = scan_frames(folder)
    assert n is None and reason.startswith('img_00005.jpg: truncated or corrupt JPEG')


# ------------------------------------------------------------------------- ensemble


def _dump(path, scores, ids=True, labels=(0, 1, 0)):
    data = []
    for s, v, lab in zip(scores, VIDS, labels):
        d = dict(pred_score=np.asarray(s, np.float32), gt_label=np.array([lab]))
        if ids:
            d['frame_dir'] = f'rawframes/test/{v}'
        data.append(d)
    with open(path, 'wb') as f:
        pickle.dump(data, f)
    return str(path)


@pytest.fixture
def inputs(tmp_path):
    (tmp_path / 'classes.txt').write_text('\n'.join(CLASSES) + '\n')
    (tmp_path / 'test_list.txt').write_text(''.join(f'{v} 16 {lab}\n' for v, lab in
                                                    zip(VIDS, (0, 1, 0))))
    (tmp_path / 'sample.csv').write_text('video,label\nv2,x\nv0,x\nv1,x\n')
    good = _dump(tmp_path / 'good.pkl', [[.8, .2], [.3, .7], [.6, .4]])
    return tmp_path, good


def _argv(root, *results, extra=()):
    return ['--results', *results, '--test-list', str(root / 'test_list.txt'), '--classes',
            str(root / 'classes.txt'), '--sample-submission', str(root / 'sample.csv'),
            '--out', str(root / 'final.csv'), *extra]


def _fails(root, argv, capsys, *needles):
    assert tool.main(argv) == 1
    err = capsys.readouterr().err
    for n in needles:
        assert n in err, err
    assert not (root / 'final.csv').exists() and not leftovers(str(root))


def test_ensemble_inputs_good_then_each_bad_one(inputs, capsys):
    root, good = inputs
    assert tool.main(_argv(root, good)) == 0
    assert (root / 'final.csv').read_text().splitlines()[1:] == ['v2,run', 'v0,run', 'v1,stand']
    os.remove(root / 'final.csv')
    # a result without video ids cannot be aligned: an error, not a note
    noid = _dump(root / 'noid.pkl', [[.8, .2], [.3, .7], [.6, .4]], ids=False)
    _fails(root, _argv(root, good, noid), capsys, f'{noid}: no video ids', '--trust-order')
    # truncated / corrupt pickle
    cut = truncate(_dump(root / 'cut.pkl', [[.8, .2], [.3, .7], [.6, .4]]), 0.5)
    _fails(root, _argv(root, good, cut), capsys, f'{cut}: not a readable result pickle')
    (root / 'junk.pkl').write_bytes(b'\x80\x04junk')
    _fails(root, _argv(root, good, str(root / 'junk.pkl')), capsys, 'junk.pkl: not a readable')
    # a non-finite score, a wrong class count
    nan = _dump(root / 'nan.pkl', [[.8, .2], [np.nan, .7], [.6, .4]])
    _fails(root, _argv(root, good, nan), capsys,
           f'{nan}: pred_score at position 1 (video ' + "'v1') has a non-finite value")
    three = _dump(root / 'three.pkl', [[.5, .3, .2]] * 3)
    _fails(root, _argv(root, three), capsys, f'{three}: 3 scores at position 0')


def test_ensemble_list_files_name_file_and_line(inputs, capsys):
    root, good = inputs
    (root / 'test_list.txt').write_text('v0 16 0\nv1 16 one\nv2 16 0\n')
    _fails(root, _argv(root, good), capsys,
           f"{root / 'test_list.txt'}:2: label 'one' is not an integer")
    (root / 'test_list.txt').write_text('v0 16 0\nv1 16 1\nv0 16 0\n')
    _fails(root, _argv(root, good), capsys,
           f"{root / 'test_list.txt'}:3: video 'v0' listed twice (first on line 1)")
    (root / 'test_list.txt').write_text(''.join(f'{v} 16 0\n' for v in VIDS))
    (root / 'classes.txt').write_text('run\nstand\nrun\n')
    _fails(root, _argv(root, good), capsys, f"{root / 'classes.txt'}: class name 'run' "
                                            'listed twice')


@pytest.mark.parametrize('coco,msg', [
    ('{"images": [', 'cannot be read as JSON'),
    (dict(annotations=[]), 'not a COCO json (no "images" list)'),
    (dict(images=[dict(id=1, file_name='v0/img_00001.jpg'), dict(file_name='v1/x.jpg')]),
     'images[1]: id None is not an integer'),
    (dict(images=[dict(id=1, file_name='v0/a.jpg'), dict(id=1, file_name='v1/b.jpg')]),
     'images[1]: id 1 already used by images[0]'),
    (dict(images=[dict(id=1, file_name='')]), "images[0]: file_name '' is not a non-empty"),
])
def test_coco_json_errors_name_file_and_image(tmp_path, coco, msg):
    path = write_json(str(tmp_path / 'det.json'), coco)
    with pytest.raises(EnsembleError) as e:
        load_coco_images(path)
    assert str(e.value).startswith(f'{path}: ') and msg in str(e.value)


def test_outputs_are_only_what_was_asked(inputs):
    root, good = inputs
    assert tool.main(_argv(root, good)) == 0
    assert files_under(str(root), ('.csv',)) == ['final.csv', 'sample.csv']
