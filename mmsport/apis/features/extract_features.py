"""Teacher features for COMEDIAN-style distillation: one 3D-CNN embedding per timestep.

    python tools/transformer_spotting/extract_features.py TEACHER_CONFIG [TEACHER_CHECKPOINT] \
        DATA_ROOT --out-dir DIR
        [--fps 2] [--clip-len 16] [--clip-step 1] [--input-size W H | --short-side 224]
        [--batch-size 8] [--chunk-frames 64] [--device cpu] [--games GAME ...]
        [--label-file Labels-v2.json] [--skip-existing]

For every game half of a SoccerNet data root (``<league>/<season>/<game>/`` folders with
``LABEL_FILE``, or ``--games``) writes ``DIR/<game>/<half>_features.npy``, float32
(N, D): row ``t`` embeds the time ``t / fps`` s, ``N = half_timesteps(n_frames,
video_fps, fps)`` (the rows ``SoccerNetV2ClipDataset(feature_dir=DIR)`` expects).

Row ``t`` is the teacher's pooled backbone feature of a clip of ``clip_len`` source
frames ``c_t + (i - clip_len // 2) * clip_step`` (clamped to the half), centred on the
source frame ``c_t`` nearest to ``t / fps`` (``timestep_frames``, the frame the
dataset shows for timestep ``t``): backbone output (B, C, T', H', W') averaged over
T', H', W' (a tuple of outputs, e.g. SlowFast: each pooled, then concatenated).

Teacher: an mmaction2 3D recognizer config (``format_shape='NCTHW'``), a path or
``mmaction::recognition/...`` (e.g. ``mmaction::recognition/x3d/
x3d_m_16x5x1_facebook-kinetics400-rgb.py``, ``mmaction::recognition/r2plus1d/...``);
configs inheriting ``mmaction::`` bases work too (their ``_scope_`` tags are honoured).
Frames go through the teacher's own ``data_preprocessor`` (its mean/std, ``to_rgb``);
decord decodes RGB as mmaction's ``DecordDecode`` does. TEACHER_CHECKPOINT is a path
or URL; without it the weights are random (PyTorch's default init, ``init_weights``
is not called so no ``pretrained=`` download happens) - fine for tests and plumbing,
useless as a distillation target.

Frames: ``--input-size W H`` decodes at exactly W x H; ``--short-side S`` (default 224)
keeps the aspect ratio (a 1280x720 half gives 398x224, SoccerNet's 224p). The whole
frame is embedded (no crop: the pooling takes any size). decord resizes while decoding
(``open_video``: for the few small widths it cannot produce, 16, 24, 48, 72 px ..., frames
are decoded at the video's size and resized with OpenCV; a warning says so).

Decoding: each half is read ONCE, forward: the sorted unique source frames the clips
use are decoded with decord ``get_batch`` in chunks of ``--chunk-frames`` into a ring
buffer holding at most (clip span + chunk) frames; a clip is cut out of the buffer as
soon as its last frame is decoded and clips are embedded ``--batch-size`` at a time,
so memory does not grow with the half's length and no frame is decoded twice.
The decoding lives in the sibling :mod:`.teacher_clips`.

A missing or corrupt video is reported (the file named) and skipped; the exit status
is 1 if any half failed. Outputs are written atomically (complete or absent);
``--skip-existing`` keeps halves whose file exists with the right row count.
``DIR/extract_features.json`` records the settings; with ``--skip-existing`` settings
that differ from the recorded ones are an error (features of two teachers must not mix).

The command line is :mod:`mmsport.cli.transformer_spotting_extract_features`; in Python,
:func:`run`.
"""
import json
import os
import time

import numpy as np

# the half's clips: streamed decoding in teacher_clips.py (its names re-exported here)
from .teacher_clips import (LOGGER_NAME, _logger, clip_indices, decode_size,  # noqa: F401
                            iter_clip_batches)

META_FILE = 'extract_features.json'


# ------------------------------------------------------------------------------ teacher
def load_teacher_config(config):
    """A Config from a path, an ``mmaction::`` (any ``pkg::``) path, or a Config."""
    from mmengine.config import Config
    if not isinstance(config, str):
        return config
    if '::' in config and not os.path.isfile(config):
        from mmengine.config.utils import _get_package_and_cfg_path
        from mmengine.utils import get_installed_path
        package, rel = _get_package_and_cfg_path(config)
        path = os.path.join(get_installed_path(package), '.mim', 'configs', rel)
        if not os.path.isfile(path):
            raise FileNotFoundError(f'{config}: no such config ({path} does not exist)')
        return Config.fromfile(path)
    if not os.path.isfile(config):
        raise FileNotFoundError(f'{config}: no such config file')
    return Config.fromfile(config)


def build_teacher(config, checkpoint=None, device='cpu'):
    """The teacher recognizer in eval mode on ``device`` (``mmsport.apis.init_model``).

    Args:
        config: config path, ``mmaction::...`` path or Config of an mmaction2 3D
            recognizer (``data_preprocessor.format_shape == 'NCTHW'``).
        checkpoint: path or URL of its weights; None leaves them random.
        device: torch device.
    """
    from mmsport.apis.inference import init_model
    cfg = load_teacher_config(config)
    if 'model' not in cfg:
        raise ValueError(f'{config}: the config has no model')
    # mmaction configs set default_scope='mmaction'; dicts inherited from an mmaction::
    # base carry _scope_='mmaction'; either resolves through the mmsport child registries
    model = init_model(cfg, checkpoint, device)
    pre = getattr(model, 'data_preprocessor', None)
    if getattr(pre, 'format_shape', None) != 'NCTHW' or not hasattr(model, 'backbone'):
        raise ValueError(f'{config}: the teacher must be a 3D recognizer with a backbone and '
                         f"an ActionDataPreprocessor of format_shape 'NCTHW' (got "
                         f'{type(model).__name__}, {getattr(pre, "format_shape", None)!r})')
    if not getattr(pre, '_enable_normalize', True):
        _logger().warning(f'{config}: the teacher data_preprocessor has no mean/std; frames '
                          f'are fed as 0..255 floats')
    return model


def pool_features(out):
    """(B, D) from a backbone output: mean over every dim after channels; tuples concatenated."""
    import torch
    if isinstance(out, (tuple, list)):
        return torch.cat([pool_features(o) for o in out], dim=1)
    return out.flatten(2).mean(2) if out.dim() > 2 else out


def embed_clips(model, clips: np.ndarray) -> np.ndarray:
    """Pooled backbone features of RGB clips.

    Args:
        model: a teacher from :func:`build_teacher`.
        clips: (B, L, H, W, 3) uint8 RGB clips.

    Returns:
        (B, D) float32 features.
    """
    import torch
    x = torch.from_numpy(np.ascontiguousarray(clips)).permute(0, 4, 1, 2, 3)  # (B, 3, L, H, W)
    with torch.no_grad():
        # one view per sample: list of (1, 3, L, H, W) -> (B, 1, 3, L, H, W), mean/std applied
        data = model.data_preprocessor(dict(inputs=list(x[:, None]), data_samples=None),
                                       training=False)
        inputs = data['inputs']
        feats = pool_features(model.backbone(inputs.reshape((-1, ) + inputs.shape[2:])))
    return feats.float().cpu().numpy()


# --------------------------------------------------------------------------------- half
def extract_half(model, video: str, fps: float, clip_len: int, clip_step: int, size,
                 batch_size: int = 8, chunk_frames: int = 64, stats: dict = None):
    """Features of one half.

    Args:
        model: the teacher (:func:`build_teacher`).
        video: the half's video.
        fps: timesteps per second.
        clip_len: source frames per clip.
        clip_step: source frames between clip frames.
        size: (W, H) frames are decoded at; None: the video's size.
        batch_size: clips per forward pass.
        chunk_frames: frames per decode call.
        stats: optional dict, filled as by :func:`iter_clip_batches`.

    Returns:
        (N, D) float32, N = ``half_timesteps(n_frames, video_fps, fps)``.
    """
    from mmsport.datasets.soccernet_v2_clip_dataset import SoccerNetV2ClipDataset
    from mmsport.datasets.transforms.soccer_window_transforms import open_video
    n_frames, video_fps = SoccerNetV2ClipDataset._video_meta(video)
    idx = clip_indices(n_frames, video_fps, fps, clip_len, clip_step)
    reader = open_video(video, size)
    out = None
    for t0, clips in iter_clip_batches(reader, idx, batch_size, chunk_frames, video, stats):
        feats = embed_clips(model, clips)  # (B, D)
        if out is None:
            out = np.empty((len(idx), feats.shape[1]), np.float32)
        out[t0:t0 + len(feats)] = feats
    del reader
    return out


# ------------------------------------------------------------------------------ driver
def feature_path(out_dir: str, game: str, half: int) -> str:
    return os.path.join(out_dir, game, f'{int(half)}_features.npy')


def _rows(path: str):
    """Rows of an existing 2-D .npy (its header only), or None if unreadable."""
    try:
        arr = np.load(path, mmap_mode='r')
    except (OSError, ValueError):
        return None
    return arr.shape[0] if arr.ndim == 2 else None


def _settings(config, checkpoint, fps, clip_len, clip_step, input_size, short_side) -> dict:
    def norm(path):  # local files by absolute path, mmaction::... and URLs as given
        return os.path.abspath(path) if path is not None and os.path.isfile(path) else path
    return dict(teacher_config=norm(config), teacher_checkpoint=norm(checkpoint),
                fps=fps, clip_len=clip_len, clip_step=clip_step,
                input_size=None if input_size is None else list(input_size),
                short_side=short_side)


def run(*, config, data_root: str, out_dir: str, checkpoint=None, fps: float = 2.0,
        clip_len: int = 16, clip_step: int = 1, input_size=None, short_side=None,
        batch_size: int = 8, chunk_frames: int = 64, device: str = 'cpu', games=None,
        label_file: str = 'Labels-v2.json', skip_existing: bool = False,
        logger=None) -> dict:
    """Extract every half; returns ``dict(done=[paths], skipped=[paths], failed=[(file, msg)])``.

    Args:
        config: the teacher's config (path, ``mmaction::...`` or Config).
        data_root: SoccerNet root (``<league>/<season>/<game>/``).
        out_dir: where ``<game>/<half>_features.npy`` and the settings file go.
        checkpoint: the teacher's weights (path or URL); None leaves them random.
        fps, clip_len, clip_step: timesteps per second; source frames per clip and between
            clip frames.
        input_size: (W, H) frames are decoded at; else ``short_side`` (aspect kept; one of
            the two is needed).
        batch_size, chunk_frames: clips per forward pass; frames per decode call.
        device: torch device.
        games: game paths relative to ``data_root``; None: every game holding ``label_file``.
        skip_existing: keep halves whose file exists with the right row count (settings
            that differ from the folder's recorded ones then raise ``SystemExit``).
        logger: a logger (default: this module's).
    """
    from mmsport.fileio.soccernet import SoccerNetDataError, game_videos, list_games
    from mmsport.datasets.soccernet_v2_clip_dataset import SoccerNetV2ClipDataset
    from mmsport.datasets.transforms.soccer_clip_transforms import half_timesteps
    from mmsport.utils.atomic import atomic_open
    logger = _logger() if logger is None else logger
    settings = _settings(config, checkpoint, fps, clip_len, clip_step, input_size,
                         short_side)
    meta_path = os.path.join(out_dir, META_FILE)
    if os.path.isfile(meta_path):
        try:
            with open(meta_path, encoding='utf-8') as f:
                old = json.load(f)
            old = old.get('settings', {}) if isinstance(old, dict) else None
            if not isinstance(old, dict):
                raise ValueError('no "settings" object')
        except (OSError, UnicodeDecodeError, ValueError) as e:
            raise SoccerNetDataError(f'{meta_path}: cannot be read ({e}); delete it to '
                                     'extract afresh') from e
        diff = sorted(k for k in settings if old.get(k) != settings[k])
        if diff:
            msg = (f'{meta_path}: features there were made with other settings ('
                   + ', '.join(f'{k}: {old.get(k)!r} -> {settings[k]!r}' for k in diff) + ')')
            if skip_existing:
                raise SystemExit(f'{msg}; refusing to mix them with --skip-existing')
            logger.warning(f'{msg}; files not rewritten by this run keep the old settings')
    games = list(games) if games else list_games(data_root, label_file)
    if not games:
        raise SoccerNetDataError(f'{data_root}: no game folder with {label_file}')
    model = build_teacher(config, checkpoint, device)
    if checkpoint is None:
        logger.warning('no TEACHER_CHECKPOINT: the teacher has random weights (fine for '
                       'tests, useless as a distillation target)')
    summary = dict(done=[], skipped=[], failed=[])
    items = []
    for game in games:
        try:
            items += [(game, h, v) for h, v in
                      sorted(game_videos(os.path.join(data_root, game)).items())]
        except SoccerNetDataError as e:
            logger.error(f'FAILED {os.path.join(data_root, game)}: {e}')
            summary['failed'].append((os.path.join(data_root, game), str(e)))
    logger.info(f'{len(items)} half video(s) in {len(games)} game(s); clips of '
                f'{clip_len} frames x step {clip_step} at {fps:g} fps, '
                f'batch {batch_size}, device {device}')
    for i, (game, half, video) in enumerate(items, 1):
        out = feature_path(out_dir, game, half)
        tag = f'[{i}/{len(items)}] {game} half {half}'
        t0 = time.time()
        try:
            if skip_existing and os.path.isfile(out):
                n_t = half_timesteps(*SoccerNetV2ClipDataset._video_meta(video), fps)
                if _rows(out) == n_t:
                    logger.info(f'{tag}: {out} exists ({n_t} rows), skipped')
                    summary['skipped'].append(out)
                    continue
            size = decode_size(video, input_size, short_side)
            stats = {}
            feats = extract_half(model, video, fps, clip_len, clip_step, size,
                                 batch_size, chunk_frames, stats)
            with atomic_open(out, 'wb') as f:
                np.save(f, feats)
        except SoccerNetDataError as e:  # unreadable video / frames: report, go on
            logger.error(f'FAILED {video}: {type(e).__name__}: {e}')
            summary['failed'].append((video, str(e)))
            continue
        dt = max(time.time() - t0, 1e-9)
        logger.info(f'{tag}: {feats.shape[0]} timesteps x {feats.shape[1]} dims at '
                    f'{size[0]}x{size[1]}, {stats["decoded_frames"]} frames decoded, '
                    f'{dt:.1f} s ({feats.shape[0] / dt:.1f} timesteps/s) -> {out}')
        summary['done'].append(out)
    os.makedirs(out_dir, exist_ok=True)
    with atomic_open(meta_path, 'w', encoding='utf-8') as f:
        json.dump(dict(settings=settings, data_root=os.path.abspath(data_root)), f,
                  indent=2)
    logger.info(f'done: {len(summary["done"])} written, {len(summary["skipped"])} skipped, '
                f'{len(summary["failed"])} failed; features under {out_dir}')
    for what, err in summary['failed']:
        logger.error(f'  {what}: {err}')
    return summary

