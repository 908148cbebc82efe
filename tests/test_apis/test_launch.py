"""Runners start the installed package's entry points (python -m mmsport.cli.*), not the
checkout's tools/ scripts, so they work from any working directory."""
import ast
import os
import subprocess
import sys

from mmsport.apis.launch import cli_command, train_command

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_commands():
    assert cli_command('evaluate_spotting', 'a', 3) == [
        sys.executable, '-m', 'mmsport.cli.evaluate_spotting', 'a', '3']
    assert train_command('c.py', 'wd', extra=['--amp']) == [
        sys.executable, '-m', 'mmsport.cli.train', 'c.py', '--work-dir', 'wd', '--amp']
    cmd = train_command('c.py', 'wd', gpus=2, master_port=29999)
    assert cmd[:3] == [sys.executable, '-m', 'torch.distributed.run']
    assert '--nproc_per_node=2' in cmd and '--master_port=29999' in cmd
    assert cmd[cmd.index('-m', 3):] == ['-m', 'mmsport.cli.train', 'c.py', '--work-dir', 'wd',
                                        '--launcher', 'pytorch']


def test_train_entry_point_runs_outside_the_checkout(tmp_path):
    r = subprocess.run(cli_command('train', '--help'), cwd=tmp_path, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert '--work-dir' in r.stdout and '--cfg-options' in r.stdout


def test_no_package_module_runs_the_checkouts_tools():
    """No string naming a tools/ script or the repository root in the library's runners."""
    found = []
    for d, dirs, names in os.walk(os.path.join(REPO, 'mmsport')):
        dirs[:] = [x for x in dirs if x not in ('__pycache__', 'cli', 'testing')]
        for n in names:
            if not n.endswith('.py'):
                continue
            path = os.path.join(d, n)
            with open(path, encoding='utf-8') as f:
                tree = ast.parse(f.read())
            doc_nodes = {id(b.body[0].value) for b in ast.walk(tree)
                         if isinstance(b, (ast.Module, ast.FunctionDef, ast.ClassDef))
                         and b.body and isinstance(b.body[0], ast.Expr)}
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                        and id(node) not in doc_nodes and (
                            node.value.startswith('tools/') or node.value == 'tools'):
                    found.append(f'{os.path.relpath(path, REPO)}:{node.lineno}')
                if isinstance(node, ast.Name) and node.id == 'REPO':
                    found.append(f'{os.path.relpath(path, REPO)}:{node.lineno} REPO')
    assert found == [], found
