"""mmsport.datasets.preparation.reid_prepare interrupted (Ctrl-C / SIGTERM): the queued
images are dropped, no csv is written, and every cache file present is complete."""
import os
import time

import cv2
import pytest

from mmsport.cli import make_synthetic_reid as gen
from mmsport.cli import reid_prepare_data as prep_cli
from mmsport.datasets.preparation import reid_prepare as prep


@pytest.mark.parametrize('workers', [0, 2])
def test_interrupt_writes_no_csv_and_no_partial_crop(tmp_path, workers, capsys):
    root = str(tmp_path)
    assert gen.main(['--out', root, '--identities', '6', '--unseen', '1', '--sessions', '2',
                     '--frames', '4', '--seed', '1']) == 0
    real, calls = prep.process_image, []

    def interrupted(job, cache_dir, **kw):
        calls.append(job[0])
        if len(calls) == 3:
            raise KeyboardInterrupt  # what SIGTERM becomes under sigterm_as_interrupt
        if len(calls) > 3:
            time.sleep(0.05)  # the other thread is still busy when the interrupt lands
        return real(job, cache_dir, **kw)

    prep.process_image = interrupted
    try:
        assert prep_cli.main(['--data-root', root, '--num-workers', str(workers)]) == 130
    finally:
        prep.process_image = real
    assert 'interrupted after' in capsys.readouterr().err
    assert not os.path.exists(os.path.join(root, 'train_crops.csv'))
    assert not os.path.exists(os.path.join(root, 'train_negatives.csv'))
    jobs = prep.group_by_image(prep.rio.read_train_meta(os.path.join(root, 'train_meta.csv')),
                               root)
    assert len(calls) < len(jobs)  # the queue was dropped, not worked through
    cache = os.path.join(root, 'train_crops_cache')
    files = [os.path.join(r, f) for r, _, fs in os.walk(cache) for f in fs]
    assert files and all(f.endswith('.jpg') and cv2.imread(f) is not None for f in files)
