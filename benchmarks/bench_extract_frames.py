"""Frame extraction throughput: tools/data/extract_frames.py vs plain cv2 decoding.

    python benchmarks/bench_extract_frames.py [--videos 16] [--frames 64] [--width 320]

Synthetic action-recognition videos (tools/data/recognition/make_synthetic.py,
H.264) go into a temp dir. Measured in this run, each ``--repeat`` times (best
kept, configurations interleaved so that load changes hit all alike):

(a) baseline: ``cv2.VideoCapture`` reading every frame of every video, nothing else;
(a') floor of the job: the same reads plus ``cv2.imwrite`` of each frame (JPEG q90),
    no tool around it: what any extractor must pay on this machine;
(b) ``extract_frames.py`` with 1 worker (decord decode + JPEG q90 write + rename),
    into an empty output folder;
(c) the same with 2 workers;
(d) 1 worker with ``--backend opencv`` (cv2 decoding instead of decord);
(e) a re-run over the finished output (every video skipped by its marker).

Prints frames/s and the ratios to the baseline. On a shared machine only the
ratios mean much.
"""
import argparse
import contextlib
import io
import os
import shutil
import sys
import tempfile
import time

import cv2

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from mmsport.cli import extract_frames as ext_cli  # noqa: E402
from mmsport.cli import make_synthetic_recognition as gen  # noqa: E402
from mmsport.video import extract_frames as ext  # noqa: E402


def plain_decode(paths):
    """Read every frame with cv2.VideoCapture; returns the frame count."""
    n = 0
    for p in paths:
        cap = cv2.VideoCapture(p)
        while cap.read()[0]:
            n += 1
        cap.release()
    return n


def decode_and_write(paths, out):
    """cv2 read + JPEG q90 write of every frame (the job's floor); returns the frame count."""
    n = 0
    for k, p in enumerate(paths):
        d = os.path.join(out, str(k))
        os.makedirs(d)
        cap = cv2.VideoCapture(p)
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            n += 1
            cv2.imwrite(os.path.join(d, f'img_{n:05d}.jpg'), frame,
                        [cv2.IMWRITE_JPEG_QUALITY, 90])
        cap.release()
    return n


def timed(fn):
    """(seconds, result) of ``fn()`` with its stdout/stderr swallowed."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        t = time.perf_counter()
        r = fn()
        return time.perf_counter() - t, r


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--videos', type=int, default=16)
    p.add_argument('--frames', type=int, default=64)
    p.add_argument('--width', type=int, default=320)
    p.add_argument('--height', type=int, default=240)
    p.add_argument('--repeat', type=int, default=2)
    a = p.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix='bench_extract_')
    try:
        t0 = time.perf_counter()
        timed(lambda: gen.main(['--out', tmp, '--train', str(a.videos), '--test', '0',
                                '--frames', str(a.frames), '--width', str(a.width),
                                '--height', str(a.height)]))
        vdir = os.path.join(tmp, 'videos', 'train')
        paths = sorted(os.path.join(vdir, f) for f in os.listdir(vdir))
        print(f'{len(paths)} videos x {a.frames} frames, {a.width}x{a.height} H.264 '
              f'(made in {time.perf_counter() - t0:.1f} s)')
        best = {}

        def record(key, dt):
            best[key] = min(best.get(key, float('inf')), dt)

        for r in range(a.repeat):
            dt, n = timed(lambda: plain_decode(paths))
            assert n == len(paths) * a.frames, n
            record('plain', dt)
            floor_dir = os.path.join(tmp, f'floor_{r}')
            record('floor', timed(lambda: decode_and_write(paths, floor_dir))[0])
            shutil.rmtree(floor_dir)
            for key, args in (('w1', []), ('w2', ['--num-workers', '2']),
                              ('cv1', ['--backend', 'opencv'])):
                out = os.path.join(tmp, f'{key}_{r}')
                dt, rc = timed(lambda: ext_cli.main([vdir, out] + args))
                assert rc == 0
                assert sum(ext.done_count(os.path.join(out, os.path.splitext(f)[0]))
                           for f in os.listdir(vdir)) == n
                record(key, dt)
            dt, rc = timed(lambda: ext_cli.main([vdir, out, '--num-workers', '2']))
            record('resume', dt)
            for key in ('w1', 'w2', 'cv1'):
                shutil.rmtree(os.path.join(tmp, f'{key}_{r}'))
        n = len(paths) * a.frames
        fps = {k: n / v for k, v in best.items()}
        print(f'plain cv2 decode (baseline)      : {fps["plain"]:8.1f} frames/s')
        print(f'cv2 decode + imwrite (floor)     : {fps["floor"]:8.1f} frames/s  '
              f'ratio {fps["floor"] / fps["plain"]:.3f}')
        for key, name in (('w1', '1 worker'), ('w2', '2 workers'), ('cv1', '1 worker, opencv')):
            print(f'extract_frames, {name:17s}: {fps[key]:8.1f} frames/s  '
                  f'ratio {fps[key] / fps["plain"]:.3f}  (vs floor {fps[key] / fps["floor"]:.2f})')
        print(f'2 workers / 1 worker             : {fps["w2"] / fps["w1"]:8.2f}')
        print(f're-run, all skipped (resume)     : {best["resume"]:8.3f} s for {len(paths)} '
              'videos')
        print(f'(best of {a.repeat}; cores visible: {os.cpu_count()})')
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
