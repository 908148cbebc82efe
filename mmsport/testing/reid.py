"""Tiny synthetic basketball re-identification data (atmaCup22 layout) for tests."""
import importlib.util
import os.path as osp

from .tennis import REPO_ROOT


def _load_tool(name: str):
    """Load ``tools/data/reid/<name>.py`` as a module (tools are not a package)."""
    path = osp.join(REPO_ROOT, 'tools', 'data', 'reid', f'{name}.py')
    spec = importlib.util.spec_from_file_location(f'mmsport_reid_{name}', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def make_tiny_reid_data(root: str, identities: int = 8, unseen: int = 2, sessions: int = 2,
                        frames: int = 4, seed: int = 0) -> str:
    """Write a tiny synthetic set under ``root`` and prepare it; returns ``root``.

    Runs ``make_synthetic.py`` (3 train quarters, 1 test quarter, 320x192 frames) then
    ``prepare_data.py`` (crop cache, ``train_crops.csv``, ``train_negatives.csv``).
    """
    gen = _load_tool('make_synthetic')
    gen.main(['--out', root, '--identities', str(identities), '--unseen', str(unseen),
              '--sessions', str(sessions), '--frames', str(frames), '--seed', str(seed)])
    rc = _load_tool('prepare_data').main(['--data-root', root, '--seed', str(seed)])
    if rc != 0:
        raise RuntimeError(f'prepare_data.py failed on {root} (exit code {rc})')
    return root
