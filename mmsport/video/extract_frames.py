"""Extract video frames to rawframes folders in mmaction2's layout.

    python tools/data/extract_frames.py SRC OUT [--ext mp4 ...] [--num-workers N]
        [--short-side 0|S] [--every 1] [--quality 90] [--backend decord|opencv] [--list FILE]

``SRC`` is a folder searched recursively for videos with the given extensions,
or a list file with one video per line (``path`` or mmaction2's ``path label``;
relative paths are taken from the list file's folder, else the current one).
Each video ``<stem>.<ext>`` becomes ``OUT/<stem>/img_00001.jpg, img_00002.jpg, ...``
(1-based, every ``--every``-th frame, numbered consecutively), resized so that the
short side is ``--short-side`` (0 keeps the size), as used by ``RawframeDataset``.

Frames are decoded once each, sequentially (decord, or OpenCV when decord is
missing or cannot read the video; ``--backend opencv`` forces OpenCV), and
written into ``OUT/.<stem>.tmp`` which is renamed to ``OUT/<stem>`` only when
complete, with a marker ``OUT/<stem>/.done`` holding the frame count. The marker is
written only after the decoded frame count has been checked against the container's
(a video that still opens but ends early, decoding fewer than 98% of the frames it
declares, fails with ``truncated: decoded N of the M frames its container declares``
and is not marked done). A video whose folder has the marker is skipped, so an
interrupted run can be restarted; a stale temp folder or a folder without the marker
is redone. Videos that
cannot be read (or that share a stem with another video) are reported with the
reason and skipped; the exit code is 1 when any failed, else 0.

Interruption (Ctrl-C, SIGTERM) stops the workers, removes the temporary folders of
the videos in progress and prints what was finished; the exit code is 130 and no
list file is written (re-run to resume). Workers also stop when the parent is
killed outright (SIGKILL): they get SIGTERM from the kernel (Linux) or see their
pipe close, and remove their own temporary folder.

``--list FILE`` also writes an mmaction2 rawframes list (``<stem> <frames>``, plus
the label when SRC is a labelled list) of every finished video; apart from it
nothing is written outside OUT.

The command line is :mod:`mmsport.cli.extract_frames`; in Python, :func:`extract_videos`.
"""
import contextlib
import os
import shutil
import sys
import time

import cv2

from mmsport.fileio.media import frame_count_problem
from mmsport.utils.fork_pool import run_forked

DONE = '.done'
EXTS = ['mp4', 'avi', 'mkv', 'mov', 'webm']


def find_videos(src, exts):
    """``[(path, label or None)]`` from a folder (recursive, sorted) or a list file."""
    if os.path.isdir(src):
        suffixes = tuple('.' + e.lower().lstrip('.') for e in exts)
        found = []
        for root, dirs, files in os.walk(src):
            dirs.sort()
            found += [(os.path.join(root, f), None) for f in sorted(files)
                      if f.lower().endswith(suffixes)]
        return found
    base, items = os.path.dirname(os.path.abspath(src)), []
    with open(src) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            path, label = line, None
            parts = line.rsplit(None, 1)
            if not _resolve(line, base) and len(parts) == 2:
                path, label = parts
            items.append((_resolve(path, base) or path, label))
    return items


def _resolve(path, base):
    """``path`` if it exists as given or under ``base``, else None."""
    for p in ((path, ) if os.path.isabs(path) else (os.path.join(base, path), path)):
        if os.path.isfile(p):
            return p
    return None


def done_count(folder):
    """Frame count from the completion marker of ``folder``, or None when unfinished."""
    try:
        with open(os.path.join(folder, DONE)) as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _container_frame_count(path):
    """The frame count a video's container declares (OpenCV), 0 when unknown."""
    cap = cv2.VideoCapture(path)
    try:
        return max(0, int(cap.get(cv2.CAP_PROP_FRAME_COUNT))) if cap.isOpened() else 0
    finally:
        cap.release()


def _frames_decord(path, threads, info=None):
    """Yield BGR frames with decord, sequentially (no seeks).

    ``info`` (a dict) gets ``declared`` (the container's frame count) on open and
    ``decoded`` (frames yielded so far). decord counts the frames it can index, which
    a truncated file shrinks, so the container header's count (read by OpenCV) is
    taken when larger.
    """
    import decord
    info = {} if info is None else info
    vr = decord.VideoReader(path, num_threads=threads)
    info.update(declared=max(len(vr), _container_frame_count(path)), decoded=0)
    while True:
        try:
            frame = vr.next()
        except StopIteration:
            return
        info['decoded'] += 1
        yield cv2.cvtColor(frame.asnumpy(), cv2.COLOR_RGB2BGR)


def _frames_opencv(path, threads=0, info=None):
    """Yield BGR frames with cv2.VideoCapture (``info`` as :func:`_frames_decord`)."""
    info = {} if info is None else info
    cap = cv2.VideoCapture(path)
    if not cap.isOpened():
        raise RuntimeError('OpenCV cannot open the file')
    info.update(declared=int(cap.get(cv2.CAP_PROP_FRAME_COUNT)), decoded=0)
    try:
        while True:
            ok, frame = cap.read()
            if not ok:
                return
            info['decoded'] += 1
            yield frame
    finally:
        cap.release()


def _resize(img, short_side):
    """Resize ``img`` so that its short side is ``short_side`` (0: unchanged)."""
    h, w = img.shape[:2]
    if not short_side or min(h, w) == short_side:
        return img
    s = short_side / min(h, w)
    size = (max(1, int(round(w * s))), max(1, int(round(h * s))))
    return cv2.resize(img, size, interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)


def _write_frames(frames, tmp, cfg):
    """Write every ``cfg['every']``-th frame of ``frames`` into ``tmp``; returns the count."""
    params = [cv2.IMWRITE_JPEG_QUALITY, cfg['quality']]
    n = 0
    for i, img in enumerate(frames):
        if i % cfg['every']:
            continue
        n += 1
        name = os.path.join(tmp, f'img_{n:05d}.jpg')
        if not cv2.imwrite(name, _resize(img, cfg['short_side']), params):
            raise OSError(f'cannot write {name}')
    if n == 0:
        raise RuntimeError('no frame could be decoded')
    return n


def _tmp_dir(stem, cfg):
    """The temporary folder a video is written into before the rename."""
    return os.path.join(cfg['out'], f'.{stem}.tmp')


def extract_one(task):
    """Extract one video. ``task`` = (path, stem, cfg); returns (status, path, stem, info).

    ``status`` is 'done' (info = frames), 'skipped' (info = frames) or 'failed' (info =
    reason). Never raises for a bad video; on an interruption (``KeyboardInterrupt``,
    ``SystemExit``) the temporary folder is removed before the exception propagates.
    """
    path, stem, cfg = task
    final = os.path.join(cfg['out'], stem)
    tmp = _tmp_dir(stem, cfg)
    n = done_count(final)
    if n is not None:
        shutil.rmtree(tmp, ignore_errors=True)  # left by a crash after an earlier success
        return 'skipped', path, stem, n
    backends = ['opencv'] if cfg['backend'] == 'opencv' else ['decord', 'opencv']
    errors = []
    try:
        for backend in backends:
            shutil.rmtree(tmp, ignore_errors=True)
            os.makedirs(tmp)
            try:
                reader = _frames_decord if backend == 'decord' else _frames_opencv
                info = {}
                n = _write_frames(reader(path, cfg['threads'], info), tmp, cfg)
                # a video that opens but ends early is a failure, never marked done
                problem = frame_count_problem(info.get('decoded', 0), info.get('declared', 0))
                if problem:
                    raise RuntimeError(problem)
            except Exception as e:  # corrupt or unreadable video: try the next backend
                msg = str(e).strip().splitlines()[0] if str(e).strip() else ''
                errors.append(f'{backend}: {type(e).__name__}: {msg}'[:300])
                continue
            with open(os.path.join(tmp, DONE), 'w') as f:
                f.write(f'{n}\n')
            shutil.rmtree(final, ignore_errors=True)  # an unfinished folder of an older run
            os.rename(tmp, final)
            return 'done', path, stem, n
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(tmp, ignore_errors=True)
    return 'failed', path, stem, '; '.join(errors)


def _progress(total):
    """An mmengine ProgressBar on a terminal; None (one log line a video) otherwise."""
    if not sys.stdout.isatty():
        return None
    try:
        from mmengine.utils import ProgressBar
    except ImportError:
        return None
    return ProgressBar(total)


def _remove_tmp(task):
    """Remove the temporary folder of a task whose worker died or was stopped."""
    shutil.rmtree(_tmp_dir(*task[1:]), ignore_errors=True)


def _worker_died(task, exitcode):
    return 'failed', task[0], task[1], f'worker process died (exit code {exitcode})'


def run_all(tasks, num_workers):
    """Yield ``extract_one`` results, in completion order, from ``num_workers`` forked
    processes (:func:`mmsport.utils.fork_pool.run_forked`): a worker that dies (a
    decoder crash on a bad file) fails only its video; when the generator ends
    (finished, interrupted, closed early) the workers are stopped and the temporary
    folders of unfinished videos removed. SIGTERM raises ``KeyboardInterrupt`` here.
    """
    return run_forked(extract_one, tasks, num_workers, died=_worker_died, cleanup=_remove_tmp)


def write_list(path, finished, labels):
    """Write an mmaction2 rawframes list: ``<stem> <frames> [label]`` per finished video."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        for stem in sorted(finished):
            label = labels.get(stem)
            f.write(f'{stem} {finished[stem]}' + ('' if label is None else f' {label}') + '\n')
    os.replace(tmp, path)


def extract_videos(src: str, out: str, *, exts=EXTS, num_workers: int = 1,
                   short_side: int = 0, every: int = 1, quality: int = 90,
                   backend: str = 'opencv', list_file: str = None) -> int:
    """Extract every video of ``src`` into ``out``; returns 1 when any failed, else 0
    (130 when interrupted).

    Args:
        src: a folder searched recursively for videos with the extensions ``exts``, or a
            list file (module docstring).
        out: output root: ``out/<video stem>/img_00001.jpg``.
        num_workers: parallel processes (>= 1).
        short_side: resize the short side to this (0 keeps the size).
        every: keep every k-th frame (>= 1).
        quality: JPEG quality (0-100).
        backend: 'opencv' or 'decord' (falls back to OpenCV per video).
        list_file: also write an mmaction2 rawframes list here (``--list``).
    """
    if not os.path.exists(src):
        print(f'error: {src} does not exist', file=sys.stderr)
        return 1
    videos = find_videos(src, exts)
    if not videos:
        print(f'error: no video found in {src} (extensions {exts})', file=sys.stderr)
        return 1
    os.makedirs(out, exist_ok=True)
    cfg = dict(out=out, backend=backend, short_side=short_side, every=every,
               quality=quality, threads=1 if num_workers > 1 else 0)
    tasks, labels, failed, seen = [], {}, [], {}
    for path, label in videos:
        stem = os.path.splitext(os.path.basename(path))[0]
        if stem in seen:
            failed.append((path, f'same stem as {seen[stem]}; OUT/{stem} is taken'))
            continue
        seen[stem], labels[stem] = path, label
        tasks.append((path, stem, cfg))
    for path, reason in failed:
        print(f'FAILED {path}: {reason}', file=sys.stderr, flush=True)
    t0, counts, finished, frames = time.time(), {'done': 0, 'skipped': 0}, {}, 0
    n_dup = len(failed)
    bar = _progress(len(tasks))
    nl = '\n' if bar else ''  # end the progress bar's line first
    try:
        with contextlib.closing(run_all(tasks, num_workers)) as results:
            for status, path, stem, info in results:
                if status == 'failed':
                    failed.append((path, info))
                    print(f'{nl}FAILED {path}: {info}', file=sys.stderr, flush=True)
                else:
                    counts[status] += 1
                    finished[stem] = info
                    frames += info if status == 'done' else 0
                if bar is not None:
                    bar.update()
                elif status != 'failed':
                    what = 'extracted' if status == 'done' else 'skipped (done),'
                    print(f'[{sum(counts.values()) + len(failed)}/{len(videos)}] {stem}: '
                          f'{what} {info} frames', flush=True)
    except KeyboardInterrupt:
        late = [t[1] for t in tasks if t[1] not in finished  # finished, result not received
                and done_count(os.path.join(out, t[1])) is not None]
        left = len(tasks) - len(finished) - len(late) - (len(failed) - n_dup)
        print(f'{nl}interrupted: {counts["done"] + len(late)} extracted, {counts["skipped"]} '
              f'skipped (already done), {len(failed)} failed, {left} not finished of '
              f'{len(videos)} videos -> {out}; unfinished temp folders removed'
              + (', no list file written' if list_file else '') + '; re-run to resume',
              file=sys.stderr, flush=True)
        return 130
    if list_file:
        write_list(list_file, finished, labels)
    dt = time.time() - t0
    print(f'{nl}{len(videos)} videos: {counts["done"]} extracted ({frames} frames, '
          f'{frames / max(dt, 1e-9):.1f} frames/s), {counts["skipped"]} skipped (already done), '
          f'{len(failed)} failed -> {out}', flush=True)
    return 1 if failed else 0

