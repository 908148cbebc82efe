import threading

import pytest

from mmsport.video.frame_sources import VideoReadError, open_frames, prefetch


def test_prefetch_keeps_order_and_bounds_lookahead():
    produced = []

    def gen():
        for i in range(50):
            produced.append(i)
            yield i

    it = prefetch(gen(), maxsize=4)
    assert next(it) == 0
    threading.Event().wait(0.2)  # let the producer run ahead as far as it may
    assert len(produced) <= 1 + 4 + 1  # consumed + queue + one blocked in put
    assert list(it) == list(range(1, 50))


def test_prefetch_reraises_producer_errors_in_order():
    def gen():
        yield 1
        raise VideoReadError('x.mp4: truncated')

    it = prefetch(gen())
    assert next(it) == 1
    with pytest.raises(VideoReadError, match='x.mp4: truncated'):
        next(it)


def test_open_frames_errors_name_the_file(tmp_path):
    with pytest.raises(VideoReadError, match='nope.mp4: no such video file'):
        open_frames(str(tmp_path / 'nope.mp4'))
    (tmp_path / 'z.mp4').write_bytes(b'')
    with pytest.raises(VideoReadError, match='z.mp4: zero-byte video'):
        open_frames(str(tmp_path / 'z.mp4'))
