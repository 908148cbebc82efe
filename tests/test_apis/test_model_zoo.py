"""The model zoo: every listed model's config and weights exist and load into the
config's model exactly; names resolve in the inferencers and tools/inference.py."""
import os
import subprocess
import sys

import pytest
import yaml

from mmsport.apis.model_zoo import (ModelZooError, get_model_info, is_model_name,
                                    list_models, load_model_index, zoo_root)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_zoo_root_is_this_checkout():
    assert os.path.samefile(zoo_root(), REPO)


@pytest.mark.parametrize('info', load_model_index(REPO), ids=lambda i: i.name)
def test_every_listed_model_exists_and_loads_exactly(info):
    from mmsport.apis import init_model
    assert os.path.isfile(info.config), info.config
    assert os.path.isfile(info.weights), info.weights
    assert os.path.getsize(info.weights) < 8 << 20        # shipped in the repository: small
    for key in ('Metadata', 'Results', 'In Collection'):
        assert info.entry.get(key), f'{info.metafile}: {info.name} has no {key}'
    model = init_model(info.config, info.weights)          # strict: every key must match
    n_params = sum(p.numel() for p in model.parameters())
    assert info.entry['Metadata']['Parameters'] == n_params


def test_names_and_aliases_resolve_case_insensitively():
    names = list_models(REPO)
    assert 'shuttlecock' in names
    info = get_model_info('Shuttlecock', REPO)
    assert info is not None and get_model_info(info.name, REPO).weights == info.weights
    with pytest.raises(ModelZooError, match="'no-such-model'.*known: .*shuttlecock"):
        get_model_info('no-such-model', REPO)
    assert is_model_name('shuttlecock') and not is_model_name('configs/x.py')


def test_broken_index_entries_name_the_file(tmp_path):
    (tmp_path / 'model-index.yml').write_text(yaml.safe_dump({'Import': ['meta.yml']}))
    (tmp_path / 'meta.yml').write_text(yaml.safe_dump({'Models': [{'Name': 'a',
                                                                  'Config': 'a.py'}]}))
    with pytest.raises(ModelZooError, match=r'meta\.yml: model 1 has no Weights'):
        load_model_index(str(tmp_path))
    (tmp_path / 'model-index.yml').write_text('Import: [missing.yml]\n')
    with pytest.raises(ModelZooError, match=r'missing\.yml: cannot be read'):
        load_model_index(str(tmp_path))
    (tmp_path / 'model-index.yml').write_text('Models: []\n')
    with pytest.raises(ModelZooError, match='"Import" list'):
        load_model_index(str(tmp_path))


def test_inference_tool_and_inferencer_take_the_shipped_tracker_by_name(tmp_path):
    """`tools/inference.py shuttlecock VIDEO` and MMSportInferencer('shuttlecock') on a fresh
    checkout: no training, no config or checkpoint path; --cfg-options reaches the codec."""
    import numpy as np

    from mmsport.apis import MMSportInferencer
    from mmsport.testing.ball_layouts import write_video
    frames = []
    for i in range(6):
        img = np.full((90, 160, 3), 60, np.uint8)
        img[40:43, 20 + 10 * i:23 + 10 * i] = 255
        frames.append(str(tmp_path / f'{i}.jpg'))
        import cv2
        cv2.imwrite(frames[-1], img)
    video = str(tmp_path / 'rally.mp4')
    write_video(video, frames)
    res = MMSportInferencer('shuttlecock', device='cpu')(video, out_dir=str(tmp_path / 'py'))
    assert res['predictions'][0]['error'] is None
    assert res['predictions'][0]['track'].shape == (6, 3)
    from mmsport.apis import BallTrackingInferencer      # the task's inferencer takes it too
    again = BallTrackingInferencer('shuttlecock', device='cpu', show_progress=False)(video)
    assert (again['predictions'][0]['track'] == res['predictions'][0]['track']).all()
    out = tmp_path / 'cli'
    r = subprocess.run([sys.executable, 'tools/inference.py', 'shuttlecock', video,
                        '--out-dir', str(out), '--cfg-options', 'model.codec.vis_thr=1.0'],
                       cwd=REPO, capture_output=True, text=True, timeout=300,
                       env=dict(os.environ, PYTHONPATH=REPO))
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    rows = (out / 'rally.csv').read_text().splitlines()
    assert rows[0] == 'frame,code,x,y' and len(rows) == 7
    assert all(row.split(',')[1] == '0' for row in rows[1:])   # vis_thr=1.0: nothing visible
    r = subprocess.run([sys.executable, 'tools/inference.py', 'shuttlecock', video,
                        '--out-dir', str(out), '--cfg-options', 'model.codec.vis_thrr=0.3'],
                       cwd=REPO, capture_output=True, text=True, timeout=300,
                       env=dict(os.environ, PYTHONPATH=REPO))
    assert r.returncode == 2 and 'vis_thr' in r.stderr
