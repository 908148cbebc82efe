"""Tiny synthetic SoccerNet ball-action data for tests."""
import importlib.util
import os.path as osp

from .tennis import REPO_ROOT


def make_tiny_soccer_data(root: str, games: int = 1, seconds: int = 4, width: int = 160,
                          height: int = 96, seed: int = 0, v2_events: int = 0) -> str:
    """Write a tiny synthetic set (real layout, two halves a game) under ``root``.

    ``v2_events`` > 0 also stages that many SoccerNet-v2 events per half and writes
    ``Labels-v2.json`` (halves must be long enough: about 6.8 s per event + 6 s).
    """
    path = osp.join(REPO_ROOT, 'tools', 'data', 'soccer', 'make_synthetic.py')
    spec = importlib.util.spec_from_file_location('mmsport_make_synthetic_soccer', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.main(['--out', root, '--games', str(games), '--seconds-per-half', str(seconds),
              '--width', str(width), '--height', str(height), '--seed', str(seed),
              '--v2-events', str(v2_events)])
    return root
