"""Tiny synthetic SoccerNet ball-action data for tests."""
import os.path as osp


def make_tiny_soccer_data(root: str, games: int = 1, seconds: float = 4, width: int = 160,
                          height: int = 96, seed: int = 0, v2_events: int = 0,
                          fps: float = 25.0, video_tag: str = '720p') -> str:
    """Write a tiny synthetic set (real layout, two halves a game) under ``root``.

    ``v2_events`` > 0 also stages that many SoccerNet-v2 events per half and writes
    ``Labels-v2.json`` (halves must be long enough: about 6.8 s per event + 6 s).
    ``video_tag`` names the videos ``1_<tag>.mkv`` (``'224p'``: SoccerNet's 398x224 copies).
    """
    from .synthetic.soccer import generate
    generate(root, games=games, seconds_per_half=seconds, width=width, height=height,
             seed=seed, v2_events=v2_events, fps=fps, video_tag=video_tag)
    return root


def write_random_features(data_root: str, out_root: str, dim: int, fps: float = 2.0,
                          label_file: str = 'Labels-v2.json', seed: int = 0) -> str:
    """Random (N, dim) float32 features for every half of a set (N from its videos).

    Written as ``<out_root>/features/<game>/<half>_features.npy``, the layout of
    ``tools/transformer_spotting/extract_features.py``; returns that folder (a ``feature_dir``).
    """
    import os

    import numpy as np

    from mmsport.fileio.soccernet import game_videos, list_games
    from mmsport.datasets.transforms.soccer_clip_transforms import half_timesteps
    from mmsport.datasets.transforms.soccer_window_transforms import open_video
    out = osp.join(out_root, 'features')
    rng = np.random.default_rng(seed)
    for game in list_games(data_root, label_file):
        for half, video in game_videos(osp.join(data_root, game)).items():
            vr = open_video(video)
            n_t = half_timesteps(len(vr), vr.get_avg_fps(), fps)
            os.makedirs(osp.join(out, game), exist_ok=True)
            np.save(osp.join(out, game, f'{half}_features.npy'),
                    rng.normal(size=(n_t, dim)).astype(np.float32))
    return out
