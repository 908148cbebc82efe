"""Tracklet linking and pooling on hand-made detections."""
import numpy as np
import pytest

from mmsport.models.reid.tracklets import (aggregate_tracklets, box_iou_xywh, build_tracklets,
                                           tracklet_labels_to_rows)


def test_box_iou_xywh():
    a = np.array([[0, 0, 10, 10], [0, 0, 0, 0]])
    b = np.array([[5, 0, 10, 10], [0, 0, 10, 10], [20, 20, 5, 5]])
    iou = box_iou_xywh(a, b)
    np.testing.assert_allclose(iou, [[50 / 150, 1.0, 0.0], [0.0, 0.0, 0.0]])


def _crossing_players():
    """Two players walking towards each other along x, crossing at frame 5.

    Player A moves right by 4 px a frame, player B left by 4 px; boxes are
    20 px wide. Frame 3 is missing for both (gap of one frame).
    """
    rows = []
    for f in [0, 1, 2, 4, 5, 6, 7]:
        rows.append(('Q1/s0/side', f, [10 + 4 * f, 50, 20, 40], 'A'))
        rows.append(('Q1/s0/side', f, [50 - 4 * f, 52, 20, 40], 'B'))
    return rows


def test_crossing_players_and_one_frame_gap():
    rows = _crossing_players()
    keys = [r[0] for r in rows]
    frames = [r[1] for r in rows]
    boxes = np.array([r[2] for r in rows], float)
    who = np.array([r[3] for r in rows])
    ids = build_tracklets(keys, frames, boxes, max_frame_gap=2, min_iou=0.3)
    assert ids.dtype == np.int64
    # one tracklet per player, across the missing frame 3 and the crossing at frame 5
    assert len(np.unique(ids)) == 2
    assert len(np.unique(ids[who == 'A'])) == 1 and len(np.unique(ids[who == 'B'])) == 1
    assert ids[who == 'A'][0] != ids[who == 'B'][0]
    np.testing.assert_array_equal(np.sort(np.unique(ids)), [0, 1])


def test_gap_of_five_not_linked_and_groups_separate():
    box = [100, 100, 30, 60]
    keys = ['g1', 'g1', 'g1', 'g2', 'g2', 'g1']
    frames = [0, 2, 7, 2, 3, 8]  # 0 -> 2 (1 missing frame) linked; 2 -> 7 (4 missing) not
    boxes = np.array([box] * 6, float)
    ids = build_tracklets(keys, frames, boxes, max_frame_gap=2, min_iou=0.3)
    assert ids[0] == ids[1]
    assert ids[2] != ids[1]
    assert ids[5] == ids[2]           # 7 -> 8 linked
    assert ids[3] == ids[4]           # g2 links within itself
    assert ids[3] not in (ids[0], ids[2])  # identical boxes, same frames, other group
    np.testing.assert_array_equal(ids, [0, 0, 1, 2, 2, 1])
    # frame difference exactly 5 never links with max_frame_gap=2
    ids2 = build_tracklets(['q'] * 2, [10, 15], np.array([box] * 2, float))
    assert ids2[0] != ids2[1]


def test_tuple_keys_low_iou_and_one_to_one():
    # tuple group keys; two detections in one frame overlap the same previous box:
    # only the best-overlapping one continues the tracklet
    keys = [('Q1', 0, 'side')] * 3 + [('Q1', 0, 'top')]
    frames = [0, 1, 1, 1]
    boxes = np.array([[0, 0, 10, 10], [1, 0, 10, 10], [3, 0, 10, 10], [0, 0, 10, 10]], float)
    ids = build_tracklets(keys, frames, boxes)
    assert ids[1] == ids[0] and ids[2] != ids[0] and ids[3] not in ids[:3]
    # a moved box (IoU < min_iou) starts a new tracklet
    ids = build_tracklets(['a', 'a'], [0, 1], np.array([[0, 0, 10, 10], [8, 0, 10, 10]], float))
    assert ids[0] != ids[1]
    assert build_tracklets([], [], np.zeros((0, 4))).shape == (0,)


def test_aggregate_and_spread():
    rng = np.random.default_rng(0)
    emb = rng.normal(size=(9, 8))
    ids = np.array([2, 0, 1, 0, 2, 2, 1, 0, 1])
    agg = aggregate_tracklets(emb, ids)
    assert agg.shape == (3, 8)
    for t in range(3):
        rows = emb[ids == t] / np.linalg.norm(emb[ids == t], axis=1, keepdims=True)
        m = rows.mean(0)
        np.testing.assert_allclose(agg[t], m / np.linalg.norm(m), atol=1e-6)
    rows = tracklet_labels_to_rows(np.array([7, -1, 3]), ids)
    np.testing.assert_array_equal(rows, [3, 7, -1, 7, 3, 3, -1, 7, -1])
    with pytest.raises(ValueError):
        aggregate_tracklets(emb, ids[:3])
