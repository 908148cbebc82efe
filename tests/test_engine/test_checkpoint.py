"""Weights that do not fit the model are an error naming the file and the keys."""
import pytest
import torch
from mmengine.runner import save_checkpoint

from mmsport.engine.checkpoint import CheckpointMismatchError, load_weights


class _Net(torch.nn.Module):
    def __init__(self, width=4):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, width, 3)
        self.bn = torch.nn.BatchNorm2d(width)


class _Other(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(2, 2)


def _save(module, path):
    save_checkpoint(dict(state_dict=module.state_dict()), str(path))
    return str(path)


def test_matching_weights_load_exactly(tmp_path):
    src = _Net()
    torch.nn.init.normal_(src.conv.weight)
    dst = _Net()
    report = load_weights(dst, _save(src, tmp_path / 'a.pth'))
    assert report == dict(missing=[], unexpected=[], mismatched=[])
    assert torch.equal(dst.conv.weight, src.conv.weight)


def test_weights_of_another_model_or_width_are_an_error(tmp_path):
    other = _save(_Other(), tmp_path / 'other.pth')
    with pytest.raises(CheckpointMismatchError, match=r'other\.pth: does not match the model '
                       r'_Net .*missing keys: conv\.weight.*unexpected keys: fc\.weight'):
        load_weights(_Net(), other)
    wide = _save(_Net(width=8), tmp_path / 'wide.pth')
    with pytest.raises(CheckpointMismatchError, match=r'shape-mismatched keys: conv\.weight '
                       r'\(8, 3, 3, 3\) vs \(4, 3, 3, 3\)'):
        load_weights(_Net(), wide)


def test_partial_load_is_an_explicit_opt_in(tmp_path):
    src = _Net()
    torch.nn.init.normal_(src.conv.weight)
    state = {k: v for k, v in src.state_dict().items() if k.startswith('conv.')}
    path = str(tmp_path / 'backbone.pth')
    torch.save(state, path)  # a plain state dict, as backbone files often are
    dst = _Net()
    report = load_weights(dst, path, allow_partial=True)
    assert report['missing'] and all(k.startswith('bn.') for k in report['missing'])
    assert torch.equal(dst.conv.weight, src.conv.weight)


def test_unreadable_files_name_the_file(tmp_path):
    good = _save(_Net(), tmp_path / 'good.pth')
    data = open(good, 'rb').read()
    cut = tmp_path / 'cut.pth'
    cut.write_bytes(data[:len(data) // 2])
    with pytest.raises(CheckpointMismatchError, match=r'cut\.pth: not a readable torch '
                       'checkpoint'):
        load_weights(_Net(), str(cut))
    with pytest.raises(CheckpointMismatchError, match='is a folder'):
        load_weights(_Net(), str(tmp_path))
    with pytest.raises(CheckpointMismatchError, match='no such checkpoint file'):
        load_weights(_Net(), str(tmp_path / 'nope.pth'))


def test_publish_keeps_only_the_weights_and_names_the_hash(tmp_path):
    import hashlib
    import os
    src = _Net()
    torch.nn.init.normal_(src.conv.weight)
    ckpt = str(tmp_path / 'iter_10.pth')
    save_checkpoint(dict(state_dict=src.state_dict(), optimizer={'x': torch.zeros(100)},
                         meta=dict(iter=10, seed=0, hook_msgs={'a': 1})), ckpt)
    from mmsport.engine.checkpoint import publish_checkpoint
    out = publish_checkpoint(ckpt, str(tmp_path / 'model.pth'))
    sha = hashlib.sha256(open(out, 'rb').read()).hexdigest()[:8]
    assert out == str(tmp_path / f'model-{sha}.pth')
    saved = torch.load(out, map_location='cpu', weights_only=False)
    assert set(saved) == {'state_dict', 'meta'} and saved['meta'] == dict(iter=10, seed=0)
    dst = _Net()
    load_weights(dst, out)
    assert torch.equal(dst.conv.weight, src.conv.weight)
    assert not [n for n in os.listdir(tmp_path) if 'unhashed' in n]
