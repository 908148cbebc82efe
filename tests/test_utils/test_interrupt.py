"""mmsport.utils.interrupt: SIGTERM as KeyboardInterrupt, partial names, light import.
(Workers dying with their parent: tests/test_video/test_extract_frames_interrupt.py.)"""
import os
import signal
import subprocess
import sys
import time

import pytest

from mmsport.utils.interrupt import partial_path, sigterm_as_interrupt


def test_sigterm_raises_keyboard_interrupt_inside_the_block_only():
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt):
        with sigterm_as_interrupt():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # the handler runs at the next bytecode
    assert signal.getsignal(signal.SIGTERM) == before


def test_partial_name_never_matches_the_finished_pattern():
    assert partial_path('/x/clip.mp4') == '/x/clip.mp4.part'
    assert not partial_path('/x/clip.mp4').endswith('.mp4')


def test_imports_neither_torch_nor_openmmlab():
    code = ('import sys, mmsport.utils.interrupt, mmsport.utils.config_check\n'
            "sys.exit(any(m in sys.modules for m in ('torch', 'mmengine', 'mmcv')))")
    assert subprocess.run([sys.executable, '-c', code]).returncode == 0
