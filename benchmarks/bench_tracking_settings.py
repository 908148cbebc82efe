"""Ball-tracking settings side by side: inference frames/s on one 1280x720 video.

    python benchmarks/bench_tracking_settings.py [VIDEO] [--frames 300]
        [--setting NAME:W:H:C1,C2,C3,C4[:s2d=F][:CKPT]] ...

Each setting (model width x input size) is built from the shuttlecock config;
with a checkpoint it is the trained model, otherwise random weights (speed does
not depend on the weights). Every setting streams the same frames of VIDEO
(default: a generated 1280x720 H.264 clip) through ``BallTrackStreamer``
(decode once, resize, stack, forward, decode the heatmap) in this one process,
and the script prints frames/s and the ratio to the first setting.
"""
import argparse
import os
import sys
import tempfile
import time

import torch

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG = os.path.join(REPO, 'configs', 'ball_tracking',
                      'ballunet_s3_adam-1500it_shuttlecock-320x180.py')
DEFAULT_SETTINGS = ['tiny-320x180:320:180:8,16,32,64', 'wide-320x180:320:180:16,32,64,128',
                    'tiny-512x288:512:288:8,16,32,64', 'tiny-640x360:640:360:8,16,32,64']


def parse_setting(text):
    parts = text.split(':')
    name, w, h, ch = parts[:4]
    extra = parts[4:]
    s2d = [int(p[4:]) for p in extra if p.startswith('s2d=')]
    ckpt = [p for p in extra if not p.startswith('s2d=')]
    return dict(name=name, size=(int(w), int(h)), channels=tuple(int(c) for c in ch.split(',')),
                space_to_depth=s2d[0] if s2d else 1, ckpt=ckpt[0] if ckpt else None)


def build(setting):
    from mmengine.config import Config

    from mmsport.apis import BallTrackStreamer, init_tracker
    cfg = Config.fromfile(CONFIG)
    cfg.model.backbone.channels = setting['channels']
    cfg.model.backbone.space_to_depth = setting['space_to_depth']
    cfg.test_dataloader.dataset.input_size = setting['size']
    model = init_tracker(cfg, setting['ckpt'])
    n_params = sum(p.numel() for p in model.parameters())
    return BallTrackStreamer(model, 3, setting['size'], batch_size=16), n_params


def frames_per_second(streamer, video, n_frames):
    from itertools import islice

    from mmsport.apis import open_frames
    t0 = time.perf_counter()
    n = sum(1 for _ in streamer.stream(islice(open_frames(video), n_frames)))
    return n / (time.perf_counter() - t0), n


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('video', nargs='?')
    p.add_argument('--frames', type=int, default=300)
    p.add_argument('--setting', action='append', help='NAME:W:H:C1,C2,C3,C4[:s2d=F][:CKPT]')
    a = p.parse_args(argv)
    torch.set_num_threads(os.cpu_count() or 1)
    with tempfile.TemporaryDirectory() as d:
        video = a.video
        if video is None:
            sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
            from bench_tennis_streaming import write_video
            video = os.path.join(d, 'hd.mp4')
            write_video(video, a.frames, (1280, 720))
        print(f'== {a.frames} frames of {video}, {torch.get_num_threads()} threads')
        base = None
        for text in a.setting or DEFAULT_SETTINGS:
            s = parse_setting(text)
            streamer, n_params = build(s)
            frames_per_second(streamer, video, 16)  # warm-up
            fps, n = frames_per_second(streamer, video, a.frames)
            base = base or fps
            print(f'{s["name"]:16s} {n_params:9,d} params  {fps:7.1f} frames/s  '
                  f'ratio {fps / base:5.2f}  ({n} frames, '
                  f'{"trained" if s["ckpt"] else "random weights"})')
    return 0


if __name__ == '__main__':
    sys.exit(main())
