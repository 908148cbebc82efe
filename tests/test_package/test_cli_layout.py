"""Command lines live in mmsport/cli/ only: nothing else in the package parses arguments,
takes an argparse namespace or imports the command lines; every command module has
``main(argv=None)``, and the scripts in tools/ are shims that import it from there."""
import ast
import os

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PKG = os.path.join(REPO, 'mmsport')
CLI = os.path.join(PKG, 'cli')
NOT_COMMANDS = ('__init__.py', 'cfg_options.py')  # the package doc, a shared argparse action


def _modules(root):
    """{path relative to the repository: parsed tree} of the .py files under ``root``."""
    out = {}
    for d, dirs, names in os.walk(root):
        dirs[:] = sorted(x for x in dirs if x != '__pycache__')
        for n in sorted(names):
            if n.endswith('.py'):
                path = os.path.join(d, n)
                with open(path, encoding='utf-8') as f:
                    out[os.path.relpath(path, REPO)] = ast.parse(f.read(), path)
    return out


def _library():
    """The package's modules outside mmsport/cli."""
    cli = os.path.relpath(CLI, REPO) + os.sep
    return {p: t for p, t in _modules(PKG).items() if not p.startswith(cli)}


def _imported(tree):
    """(line, dotted name) of every import in ``tree``, at any depth (absolute ones only)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield node.lineno, a.name
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            yield node.lineno, node.module
            for a in node.names:
                yield node.lineno, f'{node.module}.{a.name}'


def _args_parameters(tree):
    """(line, function) of every function or lambda with a parameter named ``args``
    (``*args`` is no such parameter)."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            a = node.args
            if any(p.arg == 'args' for p in a.posonlyargs + a.args + a.kwonlyargs):
                yield node.lineno, getattr(node, 'name', '<lambda>')


def test_only_the_cli_package_imports_argparse():
    found = [f'{p}:{line}' for p, tree in _library().items()
             for line, name in _imported(tree) if name.split('.')[0] == 'argparse']
    assert found == [], 'argparse outside mmsport/cli: ' + ', '.join(found)


def test_no_library_function_takes_an_args_namespace():
    found = [f'{p}:{line} {name}' for p, tree in _library().items()
             for line, name in _args_parameters(tree)]
    assert found == [], ('a parameter named args outside mmsport/cli (take keyword '
                         'arguments instead): ' + ', '.join(found))


def test_the_library_does_not_import_the_command_lines():
    found = [f'{p}:{line}' for p, tree in _library().items()
             for line, name in _imported(tree) if name.startswith('mmsport.cli')]
    assert found == [], 'mmsport/cli imported by the library: ' + ', '.join(found)


def test_every_command_module_has_main_with_argv():
    for path, tree in _modules(CLI).items():
        if os.path.basename(path) in NOT_COMMANDS:
            continue
        mains = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == 'main']
        assert len(mains) == 1, f'{path}: no top-level main()'
        params = mains[0].args
        assert [p.arg for p in params.args] == ['argv'], f'{path}: main must take argv only'
        assert len(params.defaults) == 1 and isinstance(params.defaults[0], ast.Constant) \
            and params.defaults[0].value is None, f'{path}: main(argv=None)'


def test_tool_scripts_take_their_main_from_the_cli_package():
    tools = _modules(os.path.join(REPO, 'tools'))
    shims = {p: t for p, t in tools.items()
             if any(isinstance(n, ast.ImportFrom) and any(a.name == 'main' for a in n.names)
                    for n in t.body)}
    assert len(shims) >= 20, sorted(shims)  # every task's tools and the data tools
    for path, tree in shims.items():
        sources = [n.module for n in tree.body if isinstance(n, ast.ImportFrom)
                   and any(a.name == 'main' for a in n.names)]
        assert all(m.startswith('mmsport.cli.') for m in sources), f'{path}: {sources}'
    # tools/inference.py dispatches a config's task (TASK_INFERENCERS, the one task table)
    # to the command line mmsport/cli/<task>_inference.py
    from mmsport.apis.inferencers import TASK_INFERENCERS
    from mmsport.cli.inference import task_command
    tasks = {task for task, _ in TASK_INFERENCERS.values()}
    assert len(tasks) >= 6, tasks
    for task in tasks:
        assert callable(task_command(task).main), task
