import sys

import numpy as np
import pytest
import torch


def test_mmaction_models_imports_with_drn_placeholder():
    import mmaction.models  # noqa: F401
    from mmsport.compat import DRNUnavailable
    drn = sys.modules.get('mmaction.models.localizers.drn.drn')
    if drn is not None and drn.DRN.__name__ == DRNUnavailable.__name__:
        with pytest.raises(ImportError, match='2714'):
            drn.DRN()


def test_safe_loader_reads_mmengine_style_checkpoint(tmp_path):
    from mmengine.logging import HistoryBuffer
    ckpt = dict(meta=dict(epoch=1, seed=np.int64(3), arr=np.arange(3.0),
                          dtype=np.dtype('float32')),
                message_hub=dict(log_scalars=dict(loss=HistoryBuffer([1.0, 2.0], [1, 1]))),
                state_dict=dict(w=torch.ones(2)))
    path = tmp_path / 'c.pth'
    torch.save(ckpt, path)
    out = torch.load(path, weights_only=True)  # the safe loader, allow-listed types
    assert out['meta']['seed'] == 3
    np.testing.assert_array_equal(out['meta']['arr'], np.arange(3.0))
    assert isinstance(out['message_hub']['log_scalars']['loss'], HistoryBuffer)


class Evil:
    pass


def test_safe_loader_still_rejects_arbitrary_objects(tmp_path):
    path = tmp_path / 'evil.pth'
    torch.save(dict(x=Evil()), path)
    with pytest.raises(Exception, match='(?i)weights only|unsupported global'):
        torch.load(path, weights_only=True)
