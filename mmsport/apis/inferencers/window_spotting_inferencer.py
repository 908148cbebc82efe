"""Ball-action spotting (window models) on raw match videos or SoccerNet roots.

    >>> from mmsport.apis import WindowSpottingInferencer
    >>> spotter = WindowSpottingInferencer('configs/ball_action/...py', 'ckpt.pth')
    >>> res = spotter('match.mp4', out_dir='spots')
    >>> res['predictions'][0]['spots'][:1]      # SoccerNet prediction dicts
    [{'gameTime': '1 - 00:03', 'label': 'PASS', ...}]

A video gives ``<out_dir>/<stem>_raw_scores.npz`` (per-frame (T, C) scores +
meta), ``<stem>_spots.json`` (SoccerNet predictions, half 1), ``<stem>_spots.csv``
(``frame,time_s,label,confidence``) and with ``plot=True`` ``<stem>_timeline.png``.
A data root (``<league>/<season>/<game>/{1_720p.mkv, 2_720p.mkv}``) gives one
``<out_dir>/<game>/<half>_raw_scores.npz`` per game-half (one work item each),
the input of ``tools/ball_action/submission.py``.

Every half is decoded once; the checkpoint and the ``folds`` checkpoints (same
config) score the same windows and are averaged; ``flip_tta`` also averages
flipped windows. Window settings come from the config
(:func:`mmsport.apis.spotting.spotting_io_settings`), overridable here.
"""
import csv
import os
import time
from typing import List, Optional, Sequence, Tuple

from mmsport.fileio.media import VIDEO_EXTS
from mmsport.registry import INFERENCERS
from .file_inferencer import FileInferencer


def collect_halves(root: str, label_file: str = 'Labels-ball.json') -> List[tuple]:
    """``[(game, half, video or None, error or None)]`` for every game folder under root.

    A game folder holds ``label_file`` or a video; a game with one half missing
    gives an error item for the game and keeps the half it has.
    """
    from mmsport.fileio.soccernet import SoccerNetDataError, game_videos
    items = []
    for dirpath, dirnames, files in os.walk(root):
        dirnames.sort()
        if label_file not in files and not any(f.lower().endswith(VIDEO_EXTS) for f in files):
            continue
        game = os.path.relpath(dirpath, root).replace(os.sep, '/')
        try:
            videos = game_videos(dirpath)
        except SoccerNetDataError as e:  # e.g. one half missing: keep the other
            items.append((game, None, None, str(e)))
            videos = {int(f[0]): os.path.join(dirpath, f) for f in sorted(files)
                      if f[:2] in ('1_', '2_') and f.lower().endswith(VIDEO_EXTS)}
        items += [(game, h, v, None) for h, v in sorted(videos.items())]
    return items


@INFERENCERS.register_module()
class WindowSpottingInferencer(FileInferencer):
    """Inferencer of window spotters (``SlowFusionStacker``, ``EarlyFusion2D``).

    Args:
        model, weights, device, show_progress: see :class:`FileInferencer`.
        folds: more checkpoints of the same config; their scores are averaged.
        flip_tta: also average horizontally flipped windows.
        batch_size, stride, input_size: override the config's window settings.
        codec: the spotting codec (config dict or object) replacing the
            config's (``test_evaluator.codec``, by default ``PeakSpottingCodec()``).

    Call with a video path or a data root (or a list) and ``out_dir``; keyword
    options ``games`` (data root: only these game paths), ``label_file``,
    ``skip_existing`` (keep game-halves whose npz exists), ``shard=(k, n)``
    (every n-th game-half from the k-th) and ``plot`` (a video's timeline PNG).
    Each result: ``source, game, half, outputs, n_frames, seconds, error`` and
    for a video ``spots`` (SoccerNet prediction dicts).
    """

    preprocess_kwargs: set = {'out_dir', 'games', 'label_file', 'skip_existing', 'shard'}
    forward_kwargs: set = {'plot'}

    def __init__(self, model, weights: Optional[str] = None, device: Optional[str] = None,
                 folds: Sequence[str] = (), flip_tta: bool = False,
                 batch_size: Optional[int] = None, stride: Optional[int] = None,
                 input_size: Optional[Tuple[int, int]] = None,
                 codec=None, show_progress: bool = True):
        from ..inference import init_model
        from ..spotting import SpottingStreamer, spotting_io_settings
        super().__init__(model, weights, device, show_progress)
        self.checkpoints = [weights] + list(folds)
        models = [self.model] + [init_model(self.cfg, ckpt, self.device) for ckpt in folds]
        io = spotting_io_settings(self.cfg)
        for key, value in dict(batch_size=batch_size, stride=stride,
                               input_size=input_size and tuple(input_size)).items():
            if value is not None:
                io[key] = value
        if codec is not None:
            from mmsport.models.task_modules.spotting_codecs import build_spotting_codec
            io['codec'] = build_spotting_codec(codec, 'PeakSpottingCodec')
        self.io, self.flip_tta = io, flip_tta
        self.streamer = SpottingStreamer(models, io['num_frames'], io['frame_step'],
                                         io['input_size'], io['batch_size'], flip_tta,
                                         io['stride'])

    def preprocess(self, inputs, batch_size: int = 1, out_dir: str = '',
                   games: Optional[Sequence[str]] = None, label_file: str = 'Labels-ball.json',
                   skip_existing: bool = False, shard: Optional[Tuple[int, int]] = None):
        """One item per video file or game-half: a dict of what ``forward`` needs."""
        from mmsport.fileio.raw_scores import raw_scores_path
        if not out_dir:
            raise ValueError('WindowSpottingInferencer needs an out_dir')
        for inp in inputs:
            if not os.path.isdir(inp):
                stem = os.path.join(out_dir, os.path.splitext(os.path.basename(inp))[0])
                yield dict(source=inp, game=None, half=1, stem=stem)
                continue
            items = collect_halves(inp, label_file)
            if games:
                keep = {os.path.normpath(g) for g in games}
                items = [it for it in items if os.path.normpath(it[0]) in keep]
            if shard:
                items = items[shard[0]::shard[1]]
            for game, half, video, err in items:
                out = raw_scores_path(out_dir, game, half) if half else None
                yield dict(source=video or os.path.join(inp, game), game=game, half=half,
                           out=out, error=err,
                           skip=bool(skip_existing and out and os.path.exists(out)))

    def forward(self, item: dict, plot: bool = False) -> List[dict]:
        t0 = time.time()
        res = dict(source=item['source'], game=item['game'], half=item['half'], outputs=[],
                   n_frames=0, error=item.get('error'), skipped=item.get('skip', False))
        if res['error'] or res['skipped']:
            return [dict(res, seconds=0.0)]
        try:
            if item['game'] is None:
                res.update(self._spot_video(item['source'], item['stem'], plot))
            else:
                res.update(self._score_half(item))
        except Exception as e:  # reported in the result; the other items go on
            res['error'] = f'{type(e).__name__}: {e}'
        return [dict(res, seconds=time.time() - t0)]

    def score_video(self, video: str, meta: dict):
        """Decode ``video`` once: ((T, C) per-frame scores, meta incl. fps and n_frames)."""
        from mmsport.video.frame_sources import VideoFrames, prefetch
        frames = VideoFrames(video)
        scores = self.streamer.run_frames(prefetch(frames, maxsize=16))
        io = self.io
        meta = dict(meta, video=video, fps=float(frames.fps), n_frames=len(scores),
                    classes=list(io['classes']), num_frames=io['num_frames'],
                    frame_step=io['frame_step'], stride=io['stride'],
                    input_size=io['input_size'] and list(io['input_size']),
                    flip_tta=self.flip_tta, checkpoints=self.checkpoints)
        return scores, meta

    def _score_half(self, item: dict) -> dict:
        from mmsport.fileio.raw_scores import save_raw_scores
        scores, meta = self.score_video(item['source'],
                                        dict(game=item['game'], half=item['half']))
        save_raw_scores(item['out'], scores, meta)
        return dict(outputs=[item['out']], n_frames=len(scores))

    def _spot_video(self, video: str, stem: str, plot: bool) -> dict:
        from mmengine.logging import print_log

        from mmsport.fileio.raw_scores import save_raw_scores
        from mmsport.fileio.soccernet_predictions import write_predictions_json
        from mmsport.models.task_modules.spotting_decode import spots_to_predictions
        from mmsport.utils.atomic import atomic_open
        io = self.io
        scores, meta = self.score_video(video, dict(game=None, half=1))
        fps = meta['fps']
        if abs(fps - io['fps']) > 0.01 * io['fps']:
            print_log(f'{video}: {fps:.2f} fps, the model expects {io["fps"]} fps; frame '
                      'steps are read at the video rate', logger='current', level=30)
        outputs = [f'{stem}_raw_scores.npz', f'{stem}_spots.json', f'{stem}_spots.csv']
        save_raw_scores(outputs[0], scores, meta)
        spots = io['codec'].decode(scores)
        preds = spots_to_predictions(spots, 1, io['classes'], fps)
        write_predictions_json(outputs[1], os.path.basename(stem), preds, fps)
        with atomic_open(outputs[2], 'w', newline='') as f:
            w = csv.writer(f)
            w.writerow(['frame', 'time_s', 'label', 'confidence'])
            for p in preds:
                w.writerow([p['frame'], f'{p["frame"] / fps:.3f}', p['label'],
                            f'{p["confidence"]:.4f}'])
        if plot:
            from mmsport.visualization.spotting_timeline import plot_spotting_timeline
            outputs.append(f'{stem}_timeline.png')
            plot_spotting_timeline(scores, None, spots, io['classes'], fps, outputs[-1],
                                   title=video, height=io['codec'].score_threshold)
        return dict(outputs=outputs, n_frames=len(scores), spots=preds)
