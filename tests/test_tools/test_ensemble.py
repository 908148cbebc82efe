"""tools/recognition/ensemble.py: classifier ensemble + detector fusion -> submission CSV."""
import csv
import json
import os
import pickle

import numpy as np
import pytest
import torch

from mmsport.apis.postprocess import ensemble as lib
from mmsport.cli import recognition_ensemble as tool

CLASSES = ['run', 'stand', 'stand_with_ball']
VIDS = ['v0', 'v1', 'v2', 'v3']
LABELS = [0, 1, 2, 1]
RULE = dict(category='ball', target='stand_with_ball', confusers=['stand'], threshold=0.5)


def _dump(path, scores, vids=VIDS, key='frame_dir', labels=LABELS):
    """A pickle as mmaction 1.2 tools/test.py --dump writes it (tensors in dicts)."""
    data = []
    for s, v, lab in zip(scores, vids, labels):
        d = dict(num_classes=len(s), img_shape=(224, 224), pred_score=torch.tensor(s),
                 pred_label=torch.tensor([int(np.argmax(s))]), gt_label=torch.tensor([lab]))
        if key == 'frame_dir':
            d['frame_dir'] = f'data/recognition/rawframes/test/{v}'
        elif key == 'filename':
            d['filename'] = f'data/recognition/videos/test/{v}.mp4'
        data.append(d)
    with open(path, 'wb') as f:
        pickle.dump(data, f)
    return str(path)


@pytest.fixture
def data(tmp_path):
    (tmp_path / 'classes.txt').write_text('\n'.join(CLASSES) + '\n')
    (tmp_path / 'test_list.txt').write_text(
        ''.join(f'{v} 16 {lab}\n' for v, lab in zip(VIDS, LABELS)))
    (tmp_path / 'sample.csv').write_text('video,label\nv3,run\nv1,run\nv0,run\nv2,run\n')
    m1 = np.array([[.7, .2, .1], [.2, .5, .3], [.1, .6, .3], [.3, .3, .4]], np.float32)
    m2 = np.array([[.1, .8, .1], [.1, .1, .8], [.1, .1, .8], [.8, .1, .1]], np.float32)
    return dict(root=tmp_path, m1=_dump(tmp_path / 'm1.pkl', m1), m2=_dump(tmp_path / 'm2.pkl', m2),
                p1=m1.astype(np.float64), p2=m2.astype(np.float64))


def _argv(d, *extra, results=None, sample='sample.csv'):
    r = d['root']
    return ['--results', *(results or [d['m1'], d['m2']]), '--test-list', str(r / 'test_list.txt'),
            '--classes', str(r / 'classes.txt'), '--sample-submission', str(r / sample),
            '--out', str(r / 'final.csv'), *extra]


def _opts(argv):
    """The library's keyword arguments for a command line."""
    return tool.run_options(tool.parse_args(argv))


def _read(path):
    with open(path, newline='') as f:
        return list(csv.reader(f))


def test_weighted_ensemble_follows_sample_submission_order(data, capsys):
    r = data['root']
    assert tool.main(_argv(data, '--weights', '3', '1', '--scores-out', str(r / 's.npz'))) == 0
    expected = 0.75 * data['p1'] + 0.25 * data['p2']
    order = [3, 1, 0, 2]
    rows = _read(r / 'final.csv')
    assert rows[0] == ['video', 'label']
    assert rows[1:] == [[VIDS[i], CLASSES[expected[i].argmax()]] for i in order]
    npz = np.load(r / 's.npz')
    np.testing.assert_allclose(npz['scores'], expected[order], atol=1e-6)
    assert npz['videos'].tolist() == ['v3', 'v1', 'v0', 'v2']
    assert 'wrote' in capsys.readouterr().out
    # equal weights by default: a different answer for v0 (0.4 run vs 0.5 stand)
    assert tool.main(_argv(data)) == 0
    assert dict(_read(r / 'final.csv')[1:])['v0'] == 'stand'
    assert not [n for n in os.listdir(r) if n.endswith('.tmp')]


def test_logits_are_softmaxed_and_filename_ids_with_extension(data):
    r = data['root']
    logits = np.log(data['p2']) + 3.0  # rows do not sum to 1
    m = _dump(r / 'logits.pkl', logits, key='filename')
    (r / 'sub_ext.csv').write_text('video,label\nv0.mp4,x\nv1.mp4,x\nv2.mp4,x\nv3.mp4,x\n')
    argv = _argv(data, '--scores-out', str(r / 's.npz'), '--label-format', 'index',
                 results=[m], sample='sub_ext.csv')
    assert tool.main(argv) == 0
    np.testing.assert_allclose(np.load(r / 's.npz')['scores'], data['p2'], atol=1e-5)
    assert _read(r / 'final.csv')[1] == ['v0.mp4', '1']


def test_order_or_list_mismatch_is_an_error_naming_the_file(data, capsys):
    r = data['root']
    swapped = _dump(r / 'swapped.pkl', data['p1'][[1, 0, 2, 3]], vids=['v1', 'v0', 'v2', 'v3'])
    assert tool.main(_argv(data, results=[data['m1'], swapped])) == 1
    err = capsys.readouterr().err
    assert 'swapped.pkl' in err and 'position 0' in err and 'never realigned' in err
    assert not (r / 'final.csv').exists()
    short = _dump(r / 'short.pkl', data['p1'][:3], vids=VIDS[:3])
    with pytest.raises(lib.EnsembleError, match=r'short\.pkl: 3 results .* position 3'):
        lib.run(**_opts(_argv(data, results=[short])), log=lambda s: None)
    # no ids in the dump: its rows cannot be aligned by id, an error naming the file ...
    noid = _dump(r / 'noid.pkl', data['p1'], key=None)
    assert tool.main(_argv(data, results=[noid])) == 1
    err = capsys.readouterr().err
    assert 'noid.pkl: no video ids' in err and '--trust-order' in err
    assert not (r / 'final.csv').exists()
    # ... unless --trust-order: then checked by length (and gt_label against the list)
    notes = []
    lib.run(**_opts(_argv(data, '--trust-order', results=[noid])), log=notes.append)
    assert 'length only' in notes[0]
    noid_bad = _dump(r / 'noid_bad.pkl', data['p1'], key=None, labels=[1, 0, 2, 1])
    with pytest.raises(lib.EnsembleError, match=r'noid_bad\.pkl: gt_label 1 at position 0'):
        lib.run(**_opts(_argv(data, '--trust-order', results=[noid_bad])),
                 log=lambda s: None)


def test_missing_video_and_bad_weights(data, capsys):
    r = data['root']
    (r / 'sub_more.csv').write_text('video,label\nv0,a\nv9,a\n')
    assert tool.main(_argv(data, sample='sub_more.csv')) == 1
    assert "'v9'" in capsys.readouterr().err
    assert tool.main(_argv(data, '--weights', '1')) == 1
    assert '1 weights for 2 results' in capsys.readouterr().err


def test_per_class_probability_columns(data):
    r = data['root']
    (r / 'sub_cols.csv').write_text('video,stand_with_ball,run,stand\nv2,0,0,0\nv0,0,0,0\n'
                                    'v1,0,0,0\nv3,0,0,0\n')
    assert tool.main(_argv(data, results=[data['m1']], sample='sub_cols.csv')) == 0
    rows = _read(r / 'final.csv')
    assert rows[0] == ['video', 'stand_with_ball', 'run', 'stand']
    got = {row[0]: [float(x) for x in row[1:]] for row in rows[1:]}
    assert [row[0] for row in rows[1:]] == ['v2', 'v0', 'v1', 'v3']
    np.testing.assert_allclose(got['v2'], data['p1'][2, [2, 0, 1]], atol=1e-6)
    (r / 'sub_both.csv').write_text('video,label,run,stand,stand_with_ball\nv0,,,,\nv1,,,,\n'
                                    'v2,,,,\nv3,,,,\n')
    assert tool.main(_argv(data, results=[data['m1']], sample='sub_both.csv')) == 0
    assert _read(r / 'final.csv')[1][:2] == ['v0', 'run']
    (r / 'sub_bad.csv').write_text('video,run,stand\nv0,0,0\n')
    with pytest.raises(lib.EnsembleError, match=r"miss the classes \['stand_with_ball'\]"):
        lib.run(**_opts(_argv(data, sample='sub_bad.csv')), log=lambda s: None)


def _det_pickle(path):
    def det(v, frame, scores, labels):
        return dict(img_id=frame, img_path=f'data/rawframes/test/{v}/img_{frame:05d}.jpg',
                    pred_instances=dict(scores=torch.tensor(scores), labels=torch.tensor(labels),
                                        bboxes=torch.zeros(len(scores), 4)))
    dets = [det('v1', 1, [0.9, 0.2], [0, 1]), det('v1', 5, [0.3], [1]),   # v1: no ball
            det('v3', 1, [0.95, 0.85], [0, 1]),                            # v3: ball
            det('v2', 1, [], [])]                                          # v0, v2: nothing
    with open(path, 'wb') as f:
        pickle.dump(dets, f)
    return str(path)


@pytest.mark.parametrize('config_kind', ['python', 'json'])
def test_detector_fusion_end_to_end(data, capsys, config_kind):
    r = data['root']
    det = _det_pickle(r / 'det.pkl')
    if config_kind == 'python':
        (r / 'fusion_cfg.py').write_text(
            f'fusion = dict(type="DetectorEvidenceFusion", rules=[{RULE!r}])\n')
        spec = str(r / 'fusion_cfg.py')
    else:
        spec = json.dumps([RULE])
    argv = _argv(data, '--det-results', det, '--categories', 'person', 'ball',
                 '--fusion-config', spec, '--scores-out', str(r / 's.npz'),
                 results=[data['m1']])
    assert tool.main(argv) == 0
    out = capsys.readouterr().out
    assert 'WARNING: 2 of 4 videos have no detection' in out
    assert 'object present in 1 of 4 videos' in out
    pred = dict(_read(r / 'final.csv')[1:])
    # m1 alone: v1 stand (0.5 vs 0.3 swb), v3 swb (0.4). v3 has the ball (0.85) -> swb
    # gains 0.85 of stand's mass; v1/v2 have no ball -> swb mass goes to stand.
    assert pred == {'v0': 'run', 'v1': 'stand', 'v2': 'stand', 'v3': 'stand_with_ball'}
    npz = np.load(r / 's.npz')
    order = [3, 1, 0, 2]
    np.testing.assert_allclose(npz['evidence'][:, 1], [0.85, 0.3, 0.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(npz['scores'][0], [0.3, 0.045, 0.655], atol=1e-6)  # v3: 0.85 moved
    np.testing.assert_allclose(npz['scores'][1], [0.2, 0.8, 0.0], atol=1e-6)   # v1
    np.testing.assert_allclose(npz['ensemble'], data['p1'][order], atol=1e-6)
    np.testing.assert_allclose(npz['scores'].sum(1), 1.0, atol=1e-6)
    assert tool.main(_argv(data, '--fusion-config', spec, results=[data['m1']])) == 1
    assert '--fusion-config needs --det-results' in capsys.readouterr().err
