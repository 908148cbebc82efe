"""Streaming ball-tracking inference: decode-stage speed and memory vs video length.

    python benchmarks/bench_tennis_streaming.py [--seconds-short 60] [--seconds-long 1200]

1. Decode stage. A 1280x720 H.264 video (keyframe every 25 frames) is read by
   (a) the fastest plain sequential decoder here (OpenCV ``cap.read`` in a bare
   loop) and (b) our streaming path with a zero-cost model: VideoFrames +
   resize + stack assembly in BallTrackStreamer. Ratio = (a) time / (b) time;
   goal >= 0.9.
2. Memory. tools/inference.py (tiny model) runs in a fresh process on a short
   and a long video of the same resolution; the ratio of peak RSS long/short
   should be <= 1.1 (flat memory).

All figures are measured in this run; only ratios are meaningful on shared
machines.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

import cv2
import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)


def write_video(path, n_frames, size, fps=25):
    """H.264 via imageio-ffmpeg, keyframe every 25 frames; a moving ball on a court."""
    import imageio_ffmpeg
    w, h = size
    gen = imageio_ffmpeg.write_frames(path, size, fps=fps, codec='libx264', quality=6,
                                      macro_block_size=1, output_params=['-g', '25'],
                                      ffmpeg_log_level='error')
    gen.send(None)
    bg = np.zeros((h, w, 3), np.uint8)
    bg[:] = (60, 120, 160)
    cv2.rectangle(bg, (w // 8, h // 6), (7 * w // 8, 5 * h // 6), (255, 255, 255), 2)
    for i in range(n_frames):
        f = bg.copy()
        x = int((i * 7) % w)
        y = int(h / 2 + h / 3 * np.sin(i / 10))
        cv2.circle(f, (x, y), max(2, w // 200), (220, 235, 60), -1)
        gen.send(f)
    gen.close()


def plain_decode(path):
    cap = cv2.VideoCapture(path)
    n = 0
    while True:
        ok, _ = cap.read()
        if not ok:
            break
        n += 1
    cap.release()
    return n


class _NullTracker:
    """Stands in for the network so that only the decode stage is timed."""

    def __init__(self, input_size):
        import torch
        self._p = torch.nn.Parameter(torch.zeros(1))
        self.w, self.h = input_size
        from mmsport.models.task_modules import BallHeatmapCodec
        self.codec = BallHeatmapCodec()

    def parameters(self):
        return iter([self._p])

    def data_preprocessor(self, data, training):
        return data

    def __call__(self, x, mode='tensor'):
        import torch
        return torch.zeros(x.shape[0], self.h, self.w)


def stream_decode(path, input_size=(320, 180), stack=3):
    from mmsport.apis import BallTrackStreamer, VideoFrames
    streamer = BallTrackStreamer(_NullTracker(input_size), stack, input_size, batch_size=16)
    track, _ = streamer.run(VideoFrames(path))
    return len(track)


def timed(fn, *a, repeat=3):
    """Best wall time of ``repeat`` calls, its result, and that call's CPU time
    (all threads of this process)."""
    best, cpu = float('inf'), 0.0
    for _ in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        n = fn(*a)
        wall = time.perf_counter() - t0
        if wall < best:
            best, cpu = wall, time.process_time() - c0
    return best, n, cpu


def resize_only_cpu(path, n_max=200, input_size=(320, 180)):
    """CPU seconds per frame of the resize alone (frames decoded beforehand)."""
    from mmsport.datasets.tennis_io import resize_frame
    cap = cv2.VideoCapture(path)
    frames = []
    while len(frames) < n_max:
        ok, f = cap.read()
        if not ok:
            break
        frames.append(f)
    cap.release()
    c0 = time.process_time()
    for f in frames:
        resize_frame(f, input_size).transpose(2, 0, 1)
    return (time.process_time() - c0) / len(frames)


def peak_rss_of_inference(video, cfg, ckpt, out_dir):
    # the tool runs as a child of a small parent that reports the child's peak RSS
    code = ('import resource, subprocess, sys\n'
            'rc = subprocess.call([sys.executable] + sys.argv[1:])\n'
            'print("PEAK_RSS_KB", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n'
            'sys.exit(rc)')
    r = subprocess.run([sys.executable, '-c', code, os.path.join(REPO, 'tools/inference.py'),
                        cfg, ckpt, video, '--out-dir', out_dir, '--batch-size', '16'],
                       capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=REPO))
    if r.returncode != 0:
        raise RuntimeError(r.stdout[-2000:] + r.stderr[-2000:])
    line = [ln for ln in r.stdout.splitlines() if ln.startswith('PEAK_RSS_KB')][-1]
    return int(line.split()[1]) / 1024.0


def bench_decode(d, n_frames):
    print(f'== 1. decode stage, 1280x720 H.264, {n_frames} frames')
    vid = os.path.join(d, 'hd.mp4')
    write_video(vid, n_frames, (1280, 720))
    t_plain, n1, c_plain = timed(plain_decode, vid)
    t_stream, n2, c_stream = timed(stream_decode, vid)
    assert n1 == n2 == n_frames, (n1, n2)
    c_resize = resize_only_cpu(vid)
    print(f'plain cv2 sequential decode : {n1 / t_plain:8.1f} frames/s, '
          f'{1e3 * c_plain / n1:.2f} ms CPU/frame, {c_plain / t_plain:.2f} cores busy')
    print(f'streaming decode stage      : {n2 / t_stream:8.1f} frames/s, '
          f'{1e3 * c_stream / n2:.2f} ms CPU/frame, {c_stream / t_stream:.2f} cores busy '
          '(decode + resize to 320x180 + stack of 3)')
    print(f'resize alone                :           {1e3 * c_resize:.2f} ms CPU/frame')
    print(f'ratio streaming / plain     : {t_plain / t_stream:8.3f}  (goal >= 0.9)')
    # when the plain decoder already keeps every core busy, the stage can go at most
    # as fast as its CPU per frame allows
    print(f'CPU-bound ceiling           : {c_plain / c_stream:8.3f}  (plain CPU / stage CPU '
          f'per frame; {os.cpu_count()} cores)')


def bench_rss(d, seconds_short, seconds_long, size):
    from mmengine.runner import save_checkpoint

    from mmsport.apis import init_tracker
    from mmsport.testing import tiny_tennis_cfg
    print(f'\n== 2. peak RSS of tools/inference.py, {size[0]}x{size[1]} video, '
          f'{seconds_short} s vs {seconds_long} s at 25 fps (tiny model)')
    cfg = tiny_tennis_cfg(d, d, input_size=(80, 48))
    cfg_path = os.path.join(d, 'tiny.py')
    cfg.dump(cfg_path)
    ckpt = os.path.join(d, 'tiny.pth')
    save_checkpoint(dict(state_dict=init_tracker(cfg_path).state_dict()), ckpt)
    rss = {}
    for sec in (seconds_short, seconds_long):
        v = os.path.join(d, f'v{sec}.mp4')
        t0 = time.perf_counter()
        write_video(v, sec * 25, tuple(size))
        t1 = time.perf_counter()
        rss[sec] = peak_rss_of_inference(v, cfg_path, ckpt, os.path.join(d, f'o{sec}'))
        print(f'{sec:5d} s video: peak RSS {rss[sec]:7.1f} MiB '
              f'(made in {t1 - t0:.0f} s, inference {time.perf_counter() - t1:.0f} s)')
        os.remove(v)
    print(f'ratio long / short          : {rss[seconds_long] / rss[seconds_short]:8.3f}'
          '  (goal <= 1.1)')


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--decode-frames', type=int, default=500)
    p.add_argument('--seconds-short', type=int, default=60)
    p.add_argument('--seconds-long', type=int, default=1200)
    p.add_argument('--rss-size', type=int, nargs=2, default=(320, 180))
    p.add_argument('--only', choices=['decode', 'rss'], help='run one part only')
    a = p.parse_args()
    import mmsport  # noqa: F401
    with tempfile.TemporaryDirectory() as d:
        if a.only != 'rss':
            bench_decode(d, a.decode_frames)
        if a.only != 'decode':
            bench_rss(d, a.seconds_short, a.seconds_long, a.rss_size)


if __name__ == '__main__':
    main()
