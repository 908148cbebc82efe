"""RawframeCatDataset / VideoCatDataset: get_cat_ids and mmengine's ClassBalancedDataset."""
import math
from collections import Counter

from mmengine.dataset import ClassBalancedDataset

from mmsport.datasets.recognition_datasets import RawframeCatDataset, VideoCatDataset
from mmsport.registry import DATASETS

# 8 videos of class 0, 3 of class 1, 1 of class 2
LABELS = [0] * 8 + [1] * 3 + [2]


def _rawframe_list(tmp_path, labels=LABELS):
    path = tmp_path / 'train_list_rawframes_fold0.txt'
    path.write_text(''.join(f'vid{i:02d} {10 + i} {lab}\n' for i, lab in enumerate(labels)))
    return str(path)


def test_rawframe_get_cat_ids(tmp_path):
    ds = RawframeCatDataset(ann_file=_rawframe_list(tmp_path), pipeline=[],
                            data_prefix=dict(img=str(tmp_path)))
    assert len(ds) == len(LABELS)
    assert [ds.get_cat_ids(i) for i in range(len(ds))] == [[lab] for lab in LABELS]
    info = ds.get_data_info(3)
    assert info['total_frames'] == 13 and info['frame_dir'].endswith('vid03')


def test_unlabelled_and_multiclass(tmp_path):
    test_list = tmp_path / 'test.txt'
    test_list.write_text('a 10\nb 12\n')  # no label: mmaction puts -1
    ds = RawframeCatDataset(ann_file=str(test_list), pipeline=[], test_mode=True)
    assert ds.get_cat_ids(0) == []
    multi = tmp_path / 'multi.txt'
    multi.write_text('a 10 1 3\nb 12 2\n')
    ds = RawframeCatDataset(ann_file=str(multi), pipeline=[], multi_class=True, num_classes=4)
    assert ds.get_cat_ids(0) == [1, 3] and ds.get_cat_ids(1) == [2]


def test_video_get_cat_ids(tmp_path):
    ann = tmp_path / 'videos.txt'
    ann.write_text('a.mp4 2\nb.mp4 0\n')
    ds = VideoCatDataset(ann_file=str(ann), pipeline=[], data_prefix=dict(video=str(tmp_path)))
    assert [ds.get_cat_ids(i) for i in range(2)] == [[2], [0]]


def test_class_balanced_from_mmsport_scope(tmp_path):
    """The config form: ClassBalancedDataset (mmengine root) wrapping RawframeCatDataset."""
    thr = 0.3
    cfg = dict(type='ClassBalancedDataset', oversample_thr=thr,
               dataset=dict(type='RawframeCatDataset', ann_file=_rawframe_list(tmp_path),
                            data_prefix=dict(img=str(tmp_path)), pipeline=[]))
    assert DATASETS.scope == 'mmsport'
    assert DATASETS.get('ClassBalancedDataset') is ClassBalancedDataset
    ds = DATASETS.build(cfg)  # conftest sets default_scope='mmsport'
    assert isinstance(ds, ClassBalancedDataset)
    assert isinstance(ds.dataset, RawframeCatDataset)

    freq = {c: n / len(LABELS) for c, n in Counter(LABELS).items()}
    repeat = {c: math.ceil(max(1.0, math.sqrt(thr / f))) for c, f in freq.items()}
    assert repeat == {0: 1, 1: 2, 2: 2}  # sqrt(.3/.25)=1.10, sqrt(.3/(1/12))=1.90
    counts = Counter(ds.dataset.get_cat_ids(ds._get_ori_dataset_idx(i))[0]
                     for i in range(len(ds)))
    assert counts == {0: 8, 1: 3 * 2, 2: 1 * 2}
    assert len(ds) == sum(counts.values()) > len(ds.dataset)
    # rare classes are repeated more than the common one
    per_video = {c: counts[c] / Counter(LABELS)[c] for c in counts}
    assert per_video[2] > per_video[0] and per_video[1] > per_video[0]
    # a sample of the wrapper is the wrapped dataset's sample
    assert ds[len(ds) - 1]['label'] in (1, 2)
