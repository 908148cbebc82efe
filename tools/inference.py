"""Inference for every mmsport task: the config's model picks the task's command line.

    python tools/inference.py CONFIG CHECKPOINT INPUT [INPUT ...] --out-dir DIR [task options]

Each task's inference runs through its inferencer (in Python:
``mmsport.apis.MMSportInferencer(cfg, ckpt)(inputs, out_dir=...)``); the options are
those of the task's own command line (``--help`` after the config shows them):

* ball tracking (BallHeatmapTracker): ``tools/ball_tracking/inference.py`` (videos,
  clip folders or dataset roots of any layout -> ``frame,code,x,y`` CSVs, overlays);
* ball action spotting (SlowFusionStacker, EarlyFusion2D): ``tools/ball_action/inference.py``
  (a match video or a SoccerNet root -> raw scores, spots JSON/CSV);
* transformer action spotting (ViViTSpotter): ``tools/transformer_spotting/inference.py``
  (a match video or a SoccerNet root -> raw scores, spots, submission);
* re-identification (ArcFaceTripletReID): ``tools/reid/inference.py`` (crops matched
  against a saved gallery: ``--gallery fold0/gallery.npz``);
* action recognition (Recognizer2D/3D): ``tools/recognition/inference.py`` (raw videos ->
  class scores JSON, optionally fused with a detector).
"""
import importlib
import os
import sys

# the command line of each task (a config's task: mmsport.apis.inferencers.task_of)
TASK_COMMANDS = {
    'ball_tracking': 'mmsport.apis.ball_tracking_inference',
    'ball_action_spotting': 'mmsport.apis.spotting_inference',
    'transformer_spotting': 'mmsport.apis.transformer_spotting_inference',
    'reid': 'mmsport.apis.reid_matching',
    'recognition': 'mmsport.apis.recognition_inference',
}


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ('-h', '--help'):
        print(__doc__)
        return 0 if argv else 2
    if not os.path.isfile(argv[0]):
        print(f'error: {argv[0]}: no such config file', file=sys.stderr)
        return 2
    from mmsport.apis.inferencers import TASK_INFERENCERS, task_of
    task = task_of(argv[0])
    if task is None:
        print(f'error: {argv[0]}: its model is none of {", ".join(sorted(TASK_INFERENCERS))}',
              file=sys.stderr)
        return 2
    return importlib.import_module(TASK_COMMANDS[task]).main(argv)


if __name__ == '__main__':
    sys.exit(main())
