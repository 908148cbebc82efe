"""Data of a config's own layout for a dry run, and the config pointed at it.

:func:`plan` finds the layout a config reads (from its training dataset type), writes a
few seconds of video, a few crops or frames and label files in that layout, at the
resolution and frame rate of the real data the config was made for, and rewrites the
config in place: data roots, label / feature / fold / OOF files, a training loop of a few
iterations (:func:`shrink_schedule`), small batches, no worker processes. The size of
each item the model sees (frames, resolution, window length) is never changed.

Generated sets are cached under ``data_dir/<key>/`` (the key holds every generation
setting), so several configs of one layout share one set. The generators are those of
the tests (:mod:`mmsport.testing`).
"""
import math
import os
import os.path as osp
import shutil
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional

from mmengine.config import Config, ConfigDict


class DryRunError(ValueError):
    """A config the dry run cannot run: a layout without a generator, or a step that
    failed (the message names the config)."""


# training dataset type -> layout (wrappers such as ClassBalancedDataset are looked through)
LAYOUTS = {
    'SoccerNetBallDataset': 'soccernet_ball',
    'SoccerNetV2ClipDataset': 'soccernet_v2_clips',
    'BallTrackingDataset': 'ball_tracking',
    'TennisBallDataset': 'ball_tracking',  # the seed layout of the synthetic tennis sets
    'BasketballReIDDataset': 'reid_atmacup22',
    'RawframeDataset': 'recognition_rawframes',
    'RawframeCatDataset': 'recognition_rawframes',
    'CocoDataset': 'recognition_rawframes',  # the detector's COCO json of the same frames
    'ClassFolderVideoDataset': 'class_folder_videos',
    'YOLODetectionDataset': 'yolo_boxes',
}
WRAPPERS = ('ClassBalancedDataset', 'RepeatDataset')
LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')
EVALUATORS = ('val_evaluator', 'test_evaluator')

# the real data each layout stands for (docs/formats.md, docs/tasks/*)
SOCCERNET_720P = (1280, 720)     # SoccerNet broadcast halves, 25 fps
SOCCERNET_224P = (398, 224)      # SoccerNet's low-resolution copies (1_224p.mkv)
SHUTTLECOCK = (1280, 720, 30.0)  # broadcast badminton rallies
TENNIS_SEED = (1280, 720, 25.0)  # tools/data/tennis/make_synthetic.py's defaults
RAWFRAMES = (340, 256)           # mmaction2's rawframes: short side 256 (then 224 crops)
BASKETBALL_CLIPS = (96, 172, 24.0, 7)  # the commonest size of the real clips, 7 frames
SOCCER_BOXES = (1280, 1280)      # the Roboflow export (1920x1080 stretched to 1280x1280)


@dataclass
class DryRunPlan:
    """What :func:`plan` set up.

    Attributes:
        layout: a value of :data:`LAYOUTS`.
        data_root: the generated set.
        inputs: the files (or folders) the task's inference reads.
        infer_kwargs: options of the task's inferencer (e.g. a ReID gallery, built
            after training by ``gallery``).
        notes: what the dry run changed besides the data paths, one line each.
        gallery: ReID only: ``(crop paths, label ids, threshold)`` of the gallery.
    """
    layout: str
    data_root: str
    inputs: List[str] = field(default_factory=list)
    infer_kwargs: Dict = field(default_factory=dict)
    notes: List[str] = field(default_factory=list)
    gallery: Optional[tuple] = None


def base_dataset(ds):
    """The dataset config under wrappers (``ClassBalancedDataset(dataset=...)``)."""
    while isinstance(ds, dict) and ds.get('type') in WRAPPERS and 'dataset' in ds:
        ds = ds['dataset']
    return ds


def datasets(cfg: Config):
    """``(loader name, base dataset config)`` of every dataloader the config has."""
    for name in LOADERS:
        loader = cfg.get(name)
        if isinstance(loader, dict) and isinstance(loader.get('dataset'), dict):
            yield name, base_dataset(loader['dataset'])


def layout_of(cfg: Config, name: str = 'the config') -> str:
    """The data layout of ``cfg`` (from its training dataset type).

    Raises:
        DryRunError: no training dataset, or a type without a generator (names ``name``).
    """
    loader = cfg.get('train_dataloader')
    if not isinstance(loader, dict) or not isinstance(loader.get('dataset'), dict):
        raise DryRunError(f'{name}: no train_dataloader.dataset, nothing to dry-run')
    kind = str(base_dataset(loader['dataset']).get('type', '')).split('.')[-1]
    if kind not in LAYOUTS:
        raise DryRunError(f'{name}: the dry run cannot generate data for a {kind!r} dataset '
                          f'(it knows {", ".join(sorted(LAYOUTS))})')
    return LAYOUTS[kind]


def shrink_schedule(cfg: Config, *, iters: int = 2, batch_size: int = 1) -> None:
    """Train ``iters`` iterations then validate once, with small batches and no workers.

    Training batches hold ``batch_size`` items; validation and test batches at most as
    many (their config's size when smaller).

    An epoch-based loop becomes one epoch of ``iters`` batches
    (:class:`mmsport.engine.loops.FirstBatchesEpochBasedTrainLoop`: same sampler, hooks
    and schedulers); an iteration-based one stops at ``iters``. Checkpoints are saved at
    the end (``save_best`` kept), the logger writes every iteration, and dataloaders run
    in this process (``num_workers=0``), so peak memory is this process's.
    """
    loop = cfg.get('train_cfg') or {}
    if loop.get('type', 'EpochBasedTrainLoop').split('.')[-1] == 'IterBasedTrainLoop':
        cfg.train_cfg = ConfigDict({k: v for k, v in loop.items() if k != 'dynamic_intervals'},
                                   max_iters=iters, val_interval=iters, val_begin=1)
        by_epoch = False
    else:  # the loop is built in mmsport's scope (an mmdet / mmaction base tags its own)
        cfg.train_cfg = ConfigDict(type='FirstBatchesEpochBasedTrainLoop', _scope_='mmsport',
                                   max_epochs=1, max_iters_per_epoch=iters, val_begin=1,
                                   val_interval=1)
        by_epoch = True
    hooks = cfg.setdefault('default_hooks', ConfigDict())
    if hooks.get('checkpoint'):
        hooks.checkpoint.update(interval=1 if by_epoch else iters, by_epoch=by_epoch,
                                max_keep_ckpts=1)
    if hooks.get('logger'):
        hooks.logger.interval = 1
    for name in LOADERS:
        loader = cfg.get(name)
        if isinstance(loader, dict):
            size = batch_size if name == 'train_dataloader' else \
                min(batch_size, int(loader.get('batch_size', batch_size)))
            loader.update(num_workers=0, persistent_workers=False, batch_size=size)
    ds = base_dataset(cfg.train_dataloader.dataset)
    if 'samples_per_epoch' in ds:  # window samplers: an epoch of exactly these batches
        ds.samples_per_epoch = iters * cfg.train_dataloader.batch_size


def train_batch_size(cfg: Config, batch_size: Optional[int] = None) -> int:
    """The dry run's training batch: ``batch_size`` (default 1, the per-item cost), at least
    one P x K batch of two identities for a PK sampler (triplet losses need two), and at
    least 2 for a model with a 1-d batch norm (MoCo's necks, ReID's BN neck), which fails on
    a batch of one in training."""
    sampler = cfg.train_dataloader.get('sampler') or {}
    k = int(sampler.get('num_instances', 0)) if sampler.get('type') == 'PKSampler' else 0
    n = max(batch_size or 1, 2 * k)
    if n < 2 and has_batch_norm_1d(cfg):
        n = 2
    return n


def has_batch_norm_1d(cfg: Config) -> bool:
    """Whether the config's model holds a 1-d or synchronised batch norm (built once to
    look)."""
    import torch.nn as nn
    from mmengine.registry import init_default_scope

    from mmsport.registry import MODELS
    init_default_scope(cfg.get('default_scope', 'mmsport'))
    model = MODELS.build(cfg.model)
    return any(isinstance(m, (nn.BatchNorm1d, nn.SyncBatchNorm)) for m in model.modules())


def _cached(data_dir: str, key: str, make: Callable[[str], None]) -> str:
    """``data_dir/key``, made by ``make(path)`` unless a finished copy is there."""
    path = osp.join(data_dir, key)
    done = osp.join(path, '.dry_run_complete')
    if not osp.isfile(done):
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path)
        make(path)
        open(done, 'w').close()
    return path


def _set_datasets(cfg: Config, **values) -> None:
    for _, ds in datasets(cfg):
        ds.update(values)


def _set_evaluators(cfg: Config, **values) -> None:
    for name in EVALUATORS:
        ev = cfg.get(name)
        for e in (ev if isinstance(ev, list) else [ev]):
            if isinstance(e, dict) and any(k in e for k in values):
                e.update({k: v for k, v in values.items() if k in e})


def _fresh_load_from(cfg: Config, p: DryRunPlan) -> None:
    """A ``load_from`` that does not exist (an earlier stage's output) is noted; the
    dry run replaces it with a checkpoint of the config's own fresh model
    (:func:`mmsport.testing.dry_run.dry_run` writes it)."""
    path = cfg.get('load_from')
    if path and not osp.isfile(path):
        p.notes.append(f'load_from {path} (an earlier stage) does not exist: a freshly '
                       'initialised checkpoint of this model is loaded instead')


# ------------------------------------------------------------------ layouts
def _soccernet_ball(cfg: Config, data_dir: str, work_dir: str) -> DryRunPlan:
    from mmsport.fileio.raw_scores import raw_scores_path, save_raw_scores
    from mmsport.fileio.soccernet import game_videos, list_games
    from mmsport.testing.soccer import make_tiny_soccer_data
    from mmsport.testing.synthetic.soccer import min_seconds_per_half
    ds = base_dataset(cfg.train_dataloader.dataset)
    label_file = ds.get('label_file', 'Labels-ball.json')
    v2 = label_file != 'Labels-ball.json'
    classes = [str(c) for c in ds.get('classes', ('PASS', 'DRIVE'))]
    fps = float((cfg.get('val_evaluator') or {}).get('fps', 25))
    seconds = math.ceil(min_seconds_per_half(1, fps)) if v2 else 4
    width, height = SOCCERNET_720P
    key = f'soccernet_ball-{width}x{height}-{fps:g}fps-2x{seconds}s' + ('-v2' if v2 else '')
    root = _cached(data_dir, key, lambda out: make_tiny_soccer_data(
        out, games=1, seconds=seconds, width=width, height=height, fps=fps,
        v2_events=1 if v2 else 0))
    n_frames = round(seconds * fps)
    stride = max(int(ds.get('frame_step', 2)), -(-n_frames // 2))  # 2 windows a half
    _set_datasets(cfg, data_root=root, games=None, label_file=label_file)
    for name, d in datasets(cfg):
        if name != 'train_dataloader':
            d.val_stride = stride
    _set_evaluators(cfg, data_root=root)
    p = DryRunPlan('soccernet_ball', root)
    game = list_games(root, label_file)[0]
    if ds.get('oof_dir'):  # stage 1's out-of-fold scores reweight sampling: random ones
        import numpy as np
        rng = np.random.default_rng(0)
        oof = osp.join(work_dir, 'oof')
        for half in game_videos(osp.join(root, game)):
            save_raw_scores(raw_scores_path(oof, game, half),
                            rng.random((n_frames, len(classes))).astype(np.float32))
        ds.oof_dir = oof
        p.notes.append(f'oof_dir: random out-of-fold scores in {oof}')
    p.inputs = [game_videos(osp.join(root, game))[1]]
    # one window a second of the match video (the tool's default scores every frame)
    p.infer_kwargs = dict(stride=int(fps), batch_size=2)
    p.notes.append(f'validation windows every {stride} frames (2 a half); inference '
                   f'scores a window every {int(fps)} frames')
    _fresh_load_from(cfg, p)
    return p


def _soccernet_v2_clips(cfg: Config, data_dir: str, work_dir: str) -> DryRunPlan:
    from mmsport.fileio.soccernet import game_videos, list_games
    from mmsport.testing.soccer import make_tiny_soccer_data, write_random_features
    from mmsport.testing.synthetic.soccer import min_seconds_per_half
    ds = base_dataset(cfg.train_dataloader.dataset)
    window = max(float(d.get('window_seconds', 64)) for _, d in datasets(cfg))
    events = 2
    seconds = math.ceil(max(window, min_seconds_per_half(events)))  # one window a half
    in_h = int((ds.get('input_size') or (224, 224))[1])
    tag = '224p' if in_h <= 224 else '720p'
    width, height = SOCCERNET_224P if tag == '224p' else SOCCERNET_720P
    key = f'soccernet_v2-{tag}-{width}x{height}-25fps-2x{seconds}s'
    root = _cached(data_dir, key, lambda out: make_tiny_soccer_data(
        out, games=1, seconds=seconds, width=width, height=height, v2_events=events,
        video_tag=tag))
    _set_datasets(cfg, data_root=root, games=None)
    _set_evaluators(cfg, data_root=root)
    p = DryRunPlan('soccernet_v2_clips', root)
    dim = (cfg.get('model') or {}).get('distill_dim')
    for _, d in datasets(cfg):
        if d.get('feature_dir'):  # teacher features of an earlier step: random ones
            d.feature_dir = write_random_features(root, work_dir, int(dim or 512),
                                                  fps=float(d.get('fps', 2.0)))
            p.notes.append(f'feature_dir: random {dim}-d teacher features in '
                           f'{d.feature_dir}')
    game = list_games(root, 'Labels-v2.json')[0]
    p.inputs = [game_videos(osp.join(root, game))[1]]
    _fresh_load_from(cfg, p)
    return p


def _ball_tracking(cfg: Config, data_dir: str, work_dir: str) -> DryRunPlan:
    from mmsport.testing.ball_layouts import write_ball_layout
    from mmsport.testing.tennis import make_tiny_tennis_data
    ds = base_dataset(cfg.train_dataloader.dataset)
    seed_layout = ds.get('type') == 'TennisBallDataset'
    layout = 'seed' if seed_layout else ds.get('layout', 'auto')
    layout = 'video_csv' if layout == 'auto' else layout
    if layout not in ('video_csv', 'shuttlecock', 'tracknet', 'seed'):
        raise DryRunError(f'ball-tracking layout {layout!r} has no generator')
    width, height, fps = TENNIS_SEED if seed_layout else SHUTTLECOCK
    frames = int(2 * fps)  # 2 s clips
    key = f'ball_tracking-{layout}-{width}x{height}-{fps:g}fps-{frames}f'

    def make(out):
        seed = make_tiny_tennis_data(out if layout == 'seed' else osp.join(out, 'seed'),
                                     frames=frames, width=width, height=height, fps=fps)
        if layout == 'seed':
            return
        for split in ('train', 'test'):
            write_ball_layout(osp.join(seed, split), osp.join(out, split), layout, fps=fps)
        shutil.rmtree(seed)
    root = _cached(data_dir, key, make)
    for name, d in datasets(cfg):
        split = 'train' if name == 'train_dataloader' else 'test'
        d.update(data_root=osp.join(root, split))
        if not seed_layout:
            d.update(clips=None, games=None)
    p = DryRunPlan('ball_tracking', root)
    test = osp.join(root, 'test')
    videos = sorted(n for n in os.listdir(test) if n.endswith('.mp4'))
    # a video, or the first clip folder of the seed layout (game1/clip1)
    p.inputs = [osp.join(test, videos[0]) if videos else osp.join(test, 'game1', 'clip1')]
    _fresh_load_from(cfg, p)
    return p


def _reid(cfg: Config, data_dir: str, work_dir: str) -> DryRunPlan:
    from mmsport.apis.cross_validation.reid_cv import fold_config
    from mmsport.datasets.reid_folds import ensure_fold
    from mmsport.testing.reid import make_tiny_reid_data
    ds = base_dataset(cfg.train_dataloader.dataset)
    k, unknowns = int(ds.get('num_folds', 5)), int(ds.get('unknowns_per_fold', 2))
    identities = k * unknowns + 3  # every fold: its unknowns and >= 2 known identities
    key = f'reid_atmacup22-{identities}ids'
    root = _cached(data_dir, key, lambda out: make_tiny_reid_data(
        out, identities=identities, unseen=2, sessions=2, frames=4))
    fold = int(ds.get('fold', 0))
    fold_dir = osp.join(work_dir, 'fold_metadata')
    meta = ensure_fold(fold_dir, fold, osp.join(root, ds.get('samples_file', 'train_crops.csv')),
                       num_folds=k, unknowns_per_fold=unknowns,
                       val_ratio=ds.get('val_ratio', 0.2), seed=ds.get('fold_seed', 0))
    _set_datasets(cfg, data_root=root)
    new = fold_config(cfg, fold, fold_dir, len(meta['classes']), cfg.get('work_dir'))
    for name in LOADERS + ('model', ):
        if new.get(name) is not None:
            cfg[name] = new[name]
    p = DryRunPlan('reid_atmacup22', root)
    p.notes.append(f'fold {fold} of {k} ({len(meta["classes"])} known identities), '
                   'as tools/reid/train_cv.py writes it')
    # the gallery of tools/reid/inference_cv.py: centroids of the fold's training crops
    train = meta['train']
    p.gallery = ([osp.join(root, r['crop_path']) for r in train],
                 [int(r['label_id']) for r in train],
                 float((cfg.get('val_evaluator') or {}).get('threshold', 0.5)))
    crops = osp.join(root, 'crops')
    first = sorted(os.listdir(crops))[0]
    p.inputs = [osp.join(crops, first)]
    _fresh_load_from(cfg, p)
    return p


def _config_data_root(cfg: Config, default: str) -> str:
    return str(cfg.get('data_root') or default).rstrip('/')


def _reroot(cfg: Config, old: str, new: str) -> None:
    from mmsport.testing.recognition import reroot
    for key in list(cfg.keys()):
        cfg[key] = reroot(cfg[key], old, new)


def _recognition_rawframes(cfg: Config, data_dir: str, work_dir: str) -> DryRunPlan:
    from mmsport.testing.recognition import make_tiny_recognition_data
    width, height = RAWFRAMES
    folds = max(2, int(cfg.get('fold', 0)) + 1, 5)
    key = f'recognition_rawframes-{width}x{height}-25fps-{folds}folds'
    root = _cached(data_dir, key, lambda out: make_tiny_recognition_data(
        out, train=20, test=2, frames=16, folds=folds, width=width, height=height))
    _reroot(cfg, _config_data_root(cfg, 'data/recognition'), root)
    p = DryRunPlan('recognition_rawframes', root)
    test = osp.join(root, 'videos', 'test')
    video = sorted(n for n in os.listdir(test) if n.endswith('.mp4'))[0]
    from mmsport.apis.inferencers import task_of
    if task_of(cfg) == 'detection':
        frames = osp.join(root, 'rawframes', 'test', osp.splitext(video)[0])
        p.inputs = [osp.join(frames, sorted(n for n in os.listdir(frames)
                                            if n.endswith('.jpg'))[0])]
        for name in ('val_dataloader', 'test_dataloader'):  # a detector at 1333x800
            d = cfg.get(name)
            if isinstance(d, dict):
                d.dataset.indices = 2
        p.notes.append('validation on the first 2 annotated frames of the fold')
    else:
        p.inputs = [osp.join(test, video)]
    _fresh_load_from(cfg, p)
    return p


def _class_folder_videos(cfg: Config, data_dir: str, work_dir: str) -> DryRunPlan:
    from mmsport.testing.recognition import make_tiny_class_folders
    ds = base_dataset(cfg.train_dataloader.dataset)
    classes = tuple(str(c) for c in ds.get('classes') or cfg.get('classes'))
    width, height, fps, frames = BASKETBALL_CLIPS
    key = f'class_folders-{width}x{height}-{fps:g}fps-{frames}f-{len(classes)}c'
    root = _cached(data_dir, key, lambda out: make_tiny_class_folders(
        osp.join(out, 'videos'), classes=classes, per_class=5, frames=frames,
        size=(width, height), fps=fps))
    videos = osp.join(root, 'videos')
    _set_datasets(cfg, data_root=videos)
    p = DryRunPlan('class_folder_videos', videos)
    first = osp.join(videos, classes[0])
    p.inputs = [osp.join(first, sorted(os.listdir(first))[0])]
    _fresh_load_from(cfg, p)
    return p


def _yolo_boxes(cfg: Config, data_dir: str, work_dir: str) -> DryRunPlan:
    from mmsport.testing.detection import make_tiny_yolo_boxes
    ds = base_dataset(cfg.train_dataloader.dataset)
    classes = tuple(str(c) for c in (ds.get('metainfo') or {}).get('classes', ()))
    width, height = SOCCER_BOXES
    splits = tuple(sorted({str(d.get('split', 'train')) for _, d in datasets(cfg)}))
    key = f'yolo_boxes-{width}x{height}-{len(classes)}c-{"-".join(splits)}'
    root = _cached(data_dir, key, lambda out: make_tiny_yolo_boxes(
        out, splits=splits, images=4, width=width, height=height,
        **(dict(classes=classes) if classes else {})))
    _set_datasets(cfg, data_root=root)
    p = DryRunPlan('yolo_boxes', root)
    val = [str(d.get('split')) for n, d in datasets(cfg) if n != 'train_dataloader']
    images = osp.join(root, (val or ['train'])[0], 'images')
    p.inputs = [osp.join(images, sorted(os.listdir(images))[0])]
    _fresh_load_from(cfg, p)
    return p


MAKERS = {
    'soccernet_ball': _soccernet_ball,
    'soccernet_v2_clips': _soccernet_v2_clips,
    'ball_tracking': _ball_tracking,
    'reid_atmacup22': _reid,
    'recognition_rawframes': _recognition_rawframes,
    'class_folder_videos': _class_folder_videos,
    'yolo_boxes': _yolo_boxes,
}


def plan(cfg: Config, *, work_dir: str, data_dir: Optional[str] = None, iters: int = 2,
         batch_size: Optional[int] = None, name: str = 'the config') -> DryRunPlan:
    """Generate ``cfg``'s layout and point ``cfg`` (changed in place) at it.

    Args:
        cfg: a loaded config; its ``work_dir`` is set to ``work_dir/train``.
        work_dir: the dry run's folder (features, folds, OOF scores go here).
        data_dir: where generated sets are cached (default ``work_dir/data``).
        iters: training iterations.
        batch_size: training batch (default: :func:`train_batch_size`).
        name: the config's name in errors.

    Raises:
        DryRunError: a layout without a generator (names ``name``).
    """
    layout = layout_of(cfg, name)
    data_dir = osp.abspath(data_dir or osp.join(work_dir, 'data'))
    work_dir = osp.abspath(work_dir)
    os.makedirs(data_dir, exist_ok=True)
    cfg.work_dir = osp.join(work_dir, 'train')
    batch = train_batch_size(cfg, batch_size)
    config_batch = cfg.train_dataloader.get('batch_size')
    p = MAKERS[layout](cfg, data_dir, work_dir)
    shrink_schedule(cfg, iters=iters, batch_size=batch)
    val = cfg.get('val_dataloader') if cfg.get('val_cfg') else None
    p.notes.insert(0, f'{iters} training iterations at batch {batch} (config: '
                      f'{config_batch}), ' + (f'validation at batch {val.batch_size}'
                                              if val else 'no validation in this config')
                   + ', no dataloader workers')
    return p
