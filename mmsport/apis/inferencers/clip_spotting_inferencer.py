"""Transformer action spotting (clip models, ``ViViTSpotter``) on videos or SoccerNet roots.

    >>> from mmsport.apis import ClipSpottingInferencer
    >>> spotter = ClipSpottingInferencer('configs/transformer_spotting/...py', 'ckpt.pth')
    >>> res = spotter('match.mp4', out_dir='spots')
    >>> res['predictions'][0]['spots'][:1]      # SoccerNet prediction dicts

Every half is decoded once at the training frame rate and size, its frames become
spatial tokens and sliding windows of tokens are scored, merged by max and spotted
with (soft-)NMS (:class:`mmsport.apis.transformer_spotting.HalfSpotter`; window,
stride, margin and NMS settings from the config).

* A video gives ``<out_dir>/<stem>_raw_scores.npz`` ((N, C) per-timestep scores
  and meta), ``<stem>_spots.json`` (SoccerNet predictions, half 1) and
  ``<stem>_spots.csv`` (``time_s,label,confidence``).
* A data root (``<league>/<season>/<game>/{1_*.mkv, 2_*.mkv}``; the games listed
  by ``games`` or holding ``label_file``) gives, per game (one work item),
  ``<out_dir>/raw/<game>/<half>_raw_scores.npz`` and
  ``<out_dir>/<game>/results_spotting.json``.

The model is built on the first half that needs scoring: with ``skip_existing``
and every raw-score file present (e.g. written by shard processes), none is built.
"""
import csv
import os
import time
from typing import List, Optional, Sequence, Tuple

from mmsport.registry import INFERENCERS
from .file_inferencer import FileInferencer


@INFERENCERS.register_module()
class ClipSpottingInferencer(FileInferencer):
    """Inferencer of clip spotters (``ViViTSpotter``).

    Args:
        model, weights, device, show_progress: see :class:`FileInferencer`.

    Call with a video path or a data root (or a list) and ``out_dir``; keyword
    options ``games``, ``label_file`` (``Labels-v2.json``), ``skip_existing``
    (reuse halves whose raw scores exist) and ``shard=(k, n)`` (every n-th game
    from the k-th). Each result: ``source, game, outputs, spots`` (SoccerNet
    prediction dicts), ``n_timesteps``, ``seconds``, ``error``.
    """

    preprocess_kwargs: set = {'out_dir', 'games', 'label_file', 'skip_existing', 'shard'}

    def __init__(self, model, weights: Optional[str] = None, device: Optional[str] = None,
                 show_progress: bool = True):
        from ..transformer_spotting import clip_io_settings
        self._weights, self._spotter = weights, None
        super().__init__(model, weights, device, show_progress)
        self.io = clip_io_settings(self.cfg)
        if not self.io['classes']:
            raise ValueError('the config has no class names in its test dataset or evaluator')

    def _init_model(self, cfg, weights, device):  # built by `spotter` when first needed
        return None

    @property
    def spotter(self):
        """The config's :class:`HalfSpotter` (model and checkpoint loaded on first use)."""
        if self._spotter is None:
            from ..inference import init_model
            from ..transformer_spotting import SPOTTER_KEYS, HalfSpotter
            self.model = init_model(self.cfg, self._weights, self.device)
            self._spotter = HalfSpotter(self.model, **{k: self.io[k] for k in SPOTTER_KEYS})
        return self._spotter

    def preprocess(self, inputs, batch_size: int = 1, out_dir: str = '',
                   games: Optional[Sequence[str]] = None, label_file: str = 'Labels-v2.json',
                   skip_existing: bool = False, shard: Optional[Tuple[int, int]] = None):
        """One item per video file or game: a dict of what ``forward`` needs."""
        from mmsport.fileio.soccernet import list_games
        if not out_dir:
            raise ValueError('ClipSpottingInferencer needs an out_dir')
        for inp in inputs:
            if not os.path.isdir(inp):
                yield dict(source=inp, game=None, out_dir=out_dir)
                continue
            names = list(games) if games else list_games(inp, label_file)
            if shard:
                names = names[shard[0]::shard[1]]
            for game in names:
                yield dict(source=os.path.join(inp, game), root=inp, game=game,
                           out_dir=out_dir, skip_existing=skip_existing)

    def forward(self, item: dict) -> List[dict]:
        t0 = time.time()
        res = dict(source=item['source'], game=item['game'], outputs=[], spots=[],
                   n_timesteps=0, error=None)
        try:
            res.update(self._spot_video(item) if item['game'] is None else self._spot_game(item))
        except Exception as e:  # reported in the result; the other items go on
            res['error'] = f'{type(e).__name__}: {e}'
        return [dict(res, seconds=time.time() - t0)]

    def spots_of(self, scores, half: int) -> List[dict]:
        """SoccerNet prediction dicts of one half's (N, C) per-timestep scores."""
        from mmsport.models.task_modules.spotting_decode import spots_to_predictions
        return spots_to_predictions(self.io['codec'].decode(scores), half,
                                    self.io['classes'], self.io['fps'])

    def _meta(self, video: str, half: int, n: int, game: Optional[str] = None) -> dict:
        meta = dict(video=video, half=half, classes=list(self.io['classes']),
                    fps=self.io['fps'], n_frames=n)
        return meta if game is None else dict(meta, game=game)

    def _spot_video(self, item: dict) -> dict:
        from mmsport.fileio.media import VIDEO_EXTS
        from mmsport.fileio.raw_scores import save_raw_scores
        from mmsport.fileio.soccernet_predictions import write_predictions_json
        from mmsport.utils.atomic import atomic_open
        video, out_dir = item['source'], item['out_dir']
        if os.path.splitext(video)[1].lower() not in VIDEO_EXTS:
            raise ValueError(f'{video}: not a video file ({", ".join(VIDEO_EXTS)})')
        stem = os.path.splitext(os.path.basename(video))[0]
        outputs = [os.path.join(out_dir, f'{stem}_{s}')
                   for s in ('raw_scores.npz', 'spots.json', 'spots.csv')]
        scores = self.spotter.run(video)
        save_raw_scores(outputs[0], scores, self._meta(video, 1, len(scores)))
        preds = self.spots_of(scores, 1)
        write_predictions_json(outputs[1], stem, preds, self.io['fps'])
        with atomic_open(outputs[2], 'w', newline='') as f:
            w = csv.writer(f)
            w.writerow(['time_s', 'label', 'confidence'])
            for p in preds:
                w.writerow([f'{p["position_ms"] / 1000:.1f}', p['label'],
                            f'{p["confidence"]:.4f}'])
        return dict(outputs=outputs, spots=preds, n_timesteps=len(scores))

    def _spot_game(self, item: dict) -> dict:
        """Raw scores of both halves (reused with skip_existing) -> results_spotting.json."""
        from mmsport.fileio.raw_scores import load_raw_scores, raw_scores_path, save_raw_scores
        from mmsport.fileio.soccernet import game_videos
        from mmsport.fileio.soccernet_predictions import write_predictions_json
        game, out_dir = item['game'], item['out_dir']
        preds, outputs, n = [], [], 0
        for half, video in sorted(game_videos(item['source']).items()):
            raw = raw_scores_path(os.path.join(out_dir, 'raw'), game, half)
            if item['skip_existing'] and os.path.isfile(raw):
                scores, _ = load_raw_scores(raw)
            else:
                scores = self.spotter.run(video)
                save_raw_scores(raw, scores, self._meta(video, half, len(scores), game))
            outputs.append(raw)
            n += len(scores)
            preds += self.spots_of(scores, half)
        outputs.append(os.path.join(out_dir, game, 'results_spotting.json'))
        write_predictions_json(outputs[-1], game, preds, self.io['fps'])
        return dict(outputs=outputs, spots=preds, n_timesteps=n)
