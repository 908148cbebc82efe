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


_PARENT = r'''
import sys, time
from mmsport.utils.interrupt import run_child_processes
child = ("import sys, time\n"
         "from mmsport.utils.interrupt import arm_child\n"
         "arm_child()\n"
         "open(sys.argv[1], 'w').write('ready')\n"
         "time.sleep(60)\n")
try:
    run_child_processes([[sys.executable, '-c', child, f'{sys.argv[1]}.{k}'] for k in range(2)])
except KeyboardInterrupt:
    sys.exit(130)
'''


@pytest.mark.parametrize('sig', [signal.SIGTERM, signal.SIGKILL])
def test_child_processes_stop_with_their_parent(tmp_path, sig):
    """Shard processes (run_child_processes) stop on SIGTERM of the parent, and die with
    it when it is killed outright; none is left running."""
    if sig == signal.SIGKILL and not sys.platform.startswith('linux'):
        pytest.skip('parent-death signal is Linux-only')
    stem = str(tmp_path / 'ready')
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parent = subprocess.Popen([sys.executable, '-c', _PARENT, stem],
                              env=dict(os.environ, PYTHONPATH=repo))
    deadline = time.time() + 60
    while not all(os.path.exists(f'{stem}.{k}') for k in range(2)):
        assert time.time() < deadline and parent.poll() is None, 'children did not start'
        time.sleep(0.1)
    out = subprocess.run(['pgrep', '-f', stem], capture_output=True, text=True).stdout.split()
    assert len(out) >= 3  # the parent and both children
    parent.send_signal(sig)
    parent.wait(30)
    deadline = time.time() + 20
    while subprocess.run(['pgrep', '-f', f'{stem}.'], capture_output=True).returncode == 0:
        assert time.time() < deadline, 'a child outlived its parent'
        time.sleep(0.1)
    if sig == signal.SIGTERM:
        assert parent.returncode == 130
