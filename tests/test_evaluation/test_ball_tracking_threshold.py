"""Visibility-threshold sweep: hand-worked counts and equality with decoding at that threshold."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from mmsport.evaluation.ball_tracking_threshold import (apply_threshold, best_threshold,
                                                        sweep_visibility_threshold)
from mmsport.evaluation.functional import tracknet_counts
from mmsport.models.trackers.trajectory import postprocess_trajectory

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _record():
    # frames: ball at (100, 50) in 0-3, none in 4-5
    gt = np.array([[1, 100, 50], [1, 100, 50], [1, 100, 50], [1, 100, 50],
                   [0, -1, -1], [0, -1, -1]], float)
    # peaks: two close (within 10 px), one far (30 px), one close, then two noise peaks
    track = np.array([[1, 103, 50], [1, 100, 54], [1, 130, 50], [1, 100, 50],
                      [1, 10, 10], [1, 20, 20]], float)
    scores = np.array([0.9, 0.4, 0.8, 0.2, 0.6, 0.1])
    return dict(key='c', gt=gt, track=track, scores=scores, width=1280.0)


def test_apply_threshold_marks_low_peaks_absent():
    r = _record()
    out = apply_threshold(r['track'], r['scores'], 0.5)
    np.testing.assert_array_equal(out[:, 0], [1, 0, 1, 0, 1, 0])
    np.testing.assert_array_equal(out[1], [0, -1, -1])
    np.testing.assert_array_equal(out[0], [1, 103, 50])
    with pytest.raises(ValueError, match='scores'):
        apply_threshold(r['track'], r['scores'][:3], 0.5)


def test_sweep_counts_hand_worked():
    rows = sweep_visibility_threshold([_record()], [0.05, 0.5, 0.95], tol=10.0, postprocess=None)
    # 0.05: every peak is a ball -> TP 0,1,3; FP1 frame 2 (30 px); FP2 frames 4,5
    assert {k: rows[0][k] for k in ('tp', 'fp1', 'fp2', 'fn', 'tn')} == \
        dict(tp=3, fp1=1, fp2=2, fn=0, tn=0)
    # 0.5: frames 0, 2, 4 kept -> TP 0; FP1 2; FP2 4; FN 1, 3; TN 5
    assert {k: rows[1][k] for k in ('tp', 'fp1', 'fp2', 'fn', 'tn')} == \
        dict(tp=1, fp1=1, fp2=1, fn=2, tn=1)
    # 0.95: nothing kept -> FN 4, TN 2
    assert {k: rows[2][k] for k in ('tp', 'fp1', 'fp2', 'fn', 'tn')} == \
        dict(tp=0, fp1=0, fp2=0, fn=4, tn=2)
    assert rows[0]['precision'] == pytest.approx(3 / 6) and rows[0]['recall'] == 1.0
    assert rows[1]['f1'] == pytest.approx(2 * (1 / 3) * (1 / 3) / (2 / 3))
    assert best_threshold(rows)['thr'] == 0.05
    assert rows[0]['tol'] == 10.0


def test_sweep_default_tolerance_and_postprocess_match_the_metric_route():
    r = _record()
    rows = sweep_visibility_threshold([r], [0.3], tol=None, postprocess=dict(max_gap=4))
    pred = postprocess_trajectory(apply_threshold(r['track'], r['scores'], 0.3), max_gap=4)
    ref = tracknet_counts(r['gt'], pred, 10.0)  # 4 px at 512 wide = 10 px at 1280
    assert {k: rows[0][k] for k in ref} == ref and rows[0]['tol'] == 10.0


def test_sweep_rejects_mismatched_rows():
    r = _record()
    r['gt'] = r['gt'][:4]
    with pytest.raises(ValueError, match="c: 4 label rows but 6"):
        sweep_visibility_threshold([r], [0.5])
    with pytest.raises(ValueError, match='no clips'):
        sweep_visibility_threshold([], [0.5])


def test_raw_tracks_at_a_threshold_equal_decoding_at_it(tiny_tennis_root, tiny_tracker_files):
    """Thresholding the raw peaks afterwards gives the decodes of a codec set to that threshold."""
    from mmsport.apis import BallTrackStreamer, init_tracker, open_frames, tracker_io_settings
    from mmsport.apis.ball_tracking_threshold import raw_clip_tracks, split_clips
    cfg_path, ckpt = tiny_tracker_files
    model = init_tracker(cfg_path, ckpt)
    io = tracker_io_settings(model.cfg)
    _, _, clips = split_clips(model.cfg, 'test')
    records = raw_clip_tracks(model, clips, io, batch_size=4, log=lambda *_: None)
    assert model.codec.vis_thr == 0.5  # restored
    thr = float(np.median(np.concatenate([r['scores'] for r in records])))
    model.codec.vis_thr = thr
    try:
        streamer = BallTrackStreamer(model, batch_size=4, **io)
        for clip, r in zip(clips, records):
            decoded, _ = streamer.run(open_frames(clip.media))
            np.testing.assert_array_equal(apply_threshold(r['track'], r['scores'], thr), decoded)
    finally:
        model.codec.vis_thr = 0.5


def test_choose_threshold_tool(tiny_tracker_files, tmp_path):
    cfg_path, ckpt = tiny_tracker_files
    tool = os.path.join(REPO, 'tools', 'ball_tracking', 'choose_threshold.py')
    out, raw = tmp_path / 'sweep.json', tmp_path / 'raw.npz'
    r = subprocess.run([sys.executable, tool, cfg_path, ckpt, '--split', 'test',
                        '--thresholds', '0.2', '0.5', '--raw', str(raw), '--out', str(out)],
                       capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 0, r.stderr
    res = json.loads(out.read_text())
    assert [row['thr'] for row in res['sweep']] == [0.2, 0.5]
    assert res['best'] in res['sweep'] and res['clips']
    assert json.loads(r.stdout.strip().splitlines()[-1])['best_thr'] == res['best']['thr']
    # a second sweep reads the raw peaks (no model run) and tries a post-processing grid
    r2 = subprocess.run([sys.executable, tool, cfg_path, ckpt, '--split', 'test', '--raw',
                         str(raw), '--thresholds', '0.2', '0.5', '--max-gaps', '0', '4',
                         '--out', str(out)], capture_output=True, text=True, cwd=REPO)
    assert r2.returncode == 0, r2.stderr
    res2 = json.loads(out.read_text())
    assert [(row['thr'], row['postprocess']['max_gap']) for row in res2['sweep']] == \
        [(0.2, 0), (0.5, 0), (0.2, 4), (0.5, 4)]
    same = [row for row in res2['sweep'] if row['postprocess']['max_gap'] == 4]
    assert [row['f1'] for row in same] == [row['f1'] for row in res['sweep']]  # config: 4
    # the cache is keyed: another checkpoint, clip list or split is an error naming the file
    other_ckpt = tmp_path / 'other.pth'
    other_ckpt.write_bytes(open(ckpt, 'rb').read())
    for extra, what in (([str(other_ckpt), '--split', 'test'], 'checkpoint'),
                        ([ckpt, '--split', 'train'], 'clips')):
        bad = subprocess.run([sys.executable, tool, cfg_path, *extra, '--raw', str(raw)],
                             capture_output=True, text=True, cwd=REPO)
        assert bad.returncode == 2 and 'raw.npz: raw peaks of another run' in bad.stderr
        assert f'{what}: file has' in bad.stderr
    for thr in ('1.5', '-0.1', 'nan'):
        bad = subprocess.run([sys.executable, tool, cfg_path, ckpt, '--thresholds', thr],
                             capture_output=True, text=True, cwd=REPO)
        assert bad.returncode == 2 and 'not a probability in [0, 1]' in bad.stderr
    raw.write_bytes(raw.read_bytes()[:100])
    bad = subprocess.run([sys.executable, tool, cfg_path, ckpt, '--split', 'test', '--raw',
                          str(raw)], capture_output=True, text=True, cwd=REPO)
    assert bad.returncode == 2 and 'raw.npz: not a raw-peaks file' in bad.stderr
    bad = subprocess.run([sys.executable, tool, cfg_path, ckpt, '--clips', 'game9/clip9'],
                         capture_output=True, text=True, cwd=REPO)
    assert bad.returncode == 2 and 'game9/clip9' in bad.stderr
