"""The shipped ball trackers end to end on a CPU, against a TrackNet-size model.

    python benchmarks/bench_shipped_tracker.py [VIDEO] [--frames 300] [--threads N]
        [--skip-tracknet]

``--frames 0`` times VIDEO as it is (its own codec); otherwise its first N frames are
re-encoded (mp4v) into a temporary file.

Every model runs the way ``tools/inference.py`` runs it, in this one process, on the
same frames of VIDEO (default: a generated 1280x720 H.264 rally): decode once, resize,
stack, forward, decode the heatmap, post-process the track and write the CSV
(``track_clip``). Rows, each against the first (the baseline):

* ``shuttlecock`` in eager PyTorch (``cpu_speedup=False``);
* ``shuttlecock`` on the TorchScript CPU path (traced, frozen, channels-last;
  ``cpu_speedup='torchscript'``: how it ran before ONNX Runtime);
* ``shuttlecock-fast`` on ONNX Runtime fed float stacks after the preprocessing pass
  (``fold_input_scale=False``: how it ran before the uint8 input);
* every ball tracker of the zoo as ``tools/inference.py`` runs it now (ONNX Runtime when
  installed, else the TorchScript path, the uint8 stacks fed as they are; the row says which);
* a U-Net of TrackNetV2/V3's size (channels 64-128-256-512, 7.7 M parameters, random
  weights: speed does not depend on them) at TrackNet's 512x288 input, the same way.

Prints frames/s, the ratio, and for each zoo model whether it keeps up with a 30 fps video.
"""
import argparse
import os
import sys
import tempfile
import time

import torch

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _clip(video):
    from mmsport.fileio.ball_tracking import BallClip
    return BallClip(os.path.splitext(os.path.basename(video))[0], video, None, 'video_csv')


def _cut(video, n_frames, out):
    """The first ``n_frames`` of ``video`` re-encoded losslessly enough (mp4v) for timing."""
    import cv2

    from mmsport.apis import open_frames
    frames = open_frames(video)
    w = cv2.VideoWriter(out, cv2.VideoWriter_fourcc(*'mp4v'), frames.fps, frames.size)
    for i, f in enumerate(frames):
        if i >= n_frames:
            break
        w.write(f)
    w.release()
    return out


def run(inferencer, video, out_dir):
    """(frames/s end to end, frames) of ``track_clip`` on the video, CSV written."""
    from mmsport.apis.inferencers import track_clip
    t0 = time.perf_counter()
    res = track_clip(inferencer.streamer, _clip(video), os.path.join(out_dir, 'track.csv'),
                     inferencer.postprocess_cfg)
    if res['error']:
        raise RuntimeError(res['error'])
    return res['frames'] / (time.perf_counter() - t0), res['frames']


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('video', nargs='?')
    p.add_argument('--frames', type=int, default=300, help='0: the whole VIDEO as it is')
    p.add_argument('--skip-tracknet', action='store_true',
                   help='leave out the TrackNet-size row (the slowest)')
    p.add_argument('--threads', type=int, default=os.cpu_count() or 1)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    from mmengine.config import Config

    from mmsport.apis import BallTrackingInferencer, BallTrackStreamer, tracker_io_settings
    from mmsport.apis.inferencers import task_of
    from mmsport.apis.model_zoo import get_model_info, load_model_index

    def zoo(name, **kwargs):
        info = get_model_info(name)
        return BallTrackingInferencer(info.config, info.weights, 'cpu', show_progress=False,
                                      **kwargs)

    models = [('shuttlecock, eager', zoo('shuttlecock', cpu_speedup=False), False),
              ('shuttlecock, TorchScript', zoo('shuttlecock', cpu_speedup='torchscript'),
               False)]
    float_in = zoo('shuttlecock-fast')
    float_in.streamer = BallTrackStreamer(float_in.model, fold_input_scale=False,
                                          **tracker_io_settings(float_in.cfg))
    models.append((f'shuttlecock-fast, {float_in.streamer.cpu_backend}, float in', float_in,
                   False))
    for info in load_model_index():
        if task_of(info.config) == 'ball_tracking':
            label = (info.entry.get('Alias') or [info.name])[0]
            inf = zoo(info.name)
            models.append((f'{label}, {inf.streamer.cpu_backend}', inf, True))
    big_cfg = Config.fromfile(get_model_info('shuttlecock').config)
    big_cfg.model.backbone.channels = (64, 128, 256, 512)
    big_cfg.test_dataloader.dataset.input_size = (512, 288)   # TrackNet's input
    big_cfg.test_dataloader.dataset.input_scale = None
    if not a.skip_tracknet:
        models.append(('TrackNet-size U-Net 512x288',
                       BallTrackingInferencer(big_cfg, None, 'cpu', show_progress=False), False))
    with tempfile.TemporaryDirectory() as d:
        video = a.video
        if video is None:
            sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
            from bench_tennis_streaming import write_video
            video = os.path.join(d, 'rally.mp4')
            write_video(video, a.frames or 300, (1280, 720), fps=30)
        elif a.frames > 0:
            video = _cut(video, a.frames, os.path.join(d, 'cut.mp4'))
        warm = _cut(video, 16, os.path.join(d, 'warm.mp4'))
        print(f'== {video}: {a.frames or "all"} frames, {torch.get_num_threads()} threads, '
              'decode + model + post-processing + CSV')
        rows = []
        for name, inf, shipped in models:
            n_params = sum(q.numel() for q in inf.model.parameters())
            run(inf, warm, d)  # warm-up (and, with the speedup, tracing)
            fps, n = run(inf, video, d)
            rows.append((name, n_params, fps, n, shipped))
        base = rows[0][2]
        for name, n_params, fps, n, shipped in rows:
            verdict = (' real time' if fps >= 30 else f' {fps / 30:.2f}x real time') if shipped \
                else ''
            print(f'{name:42s} {n_params:>11,d} params  {fps:7.1f} frames/s  '
                  f'ratio {fps / base:5.2f}  ({n} frames){verdict}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
