"""Tiny synthetic SoccerNet ball-action data for tests."""
import importlib.util
import os.path as osp

from .tennis import REPO_ROOT


def make_tiny_soccer_data(root: str, games: int = 1, seconds: int = 4, width: int = 160,
                          height: int = 96, seed: int = 0) -> str:
    """Write a tiny synthetic set (real layout, two halves a game) under ``root``."""
    path = osp.join(REPO_ROOT, 'tools', 'data', 'soccer', 'make_synthetic.py')
    spec = importlib.util.spec_from_file_location('mmsport_make_synthetic_soccer', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.main(['--out', root, '--games', str(games), '--seconds-per-half', str(seconds),
              '--width', str(width), '--height', str(height), '--seed', str(seed)])
    return root
