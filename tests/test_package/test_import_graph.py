"""The package's import graph: no cycles between mmsport modules, nothing loaded by path."""
import ast
import os
import subprocess

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PKG = os.path.join(REPO, 'mmsport')


def _module_name(path):
    rel = os.path.relpath(path, REPO)[:-3].replace(os.sep, '.')
    return rel[:-len('.__init__')] if rel.endswith('.__init__') else rel


def _resolve(module, node):
    """Absolute name of what an ImportFrom names (relative imports resolved).

    ``module`` is a module's dotted name, a package's ending in ``.__init__``, so that
    one level up is the package itself in both cases.
    """
    if not node.level:
        return node.module or ''
    parts = module.split('.')
    base = parts[:len(parts) - node.level]
    return '.'.join(base + ([node.module] if node.module else []))


def import_graph(lazy: bool = False):
    """{module: set of mmsport modules it imports}: at module level, or anywhere (``lazy``)."""
    files = {}
    for root, _, names in os.walk(PKG):
        for n in names:
            if n.endswith('.py'):
                path = os.path.join(root, n)
                files[_module_name(path)] = path
    graph = {}
    for mod, path in files.items():
        tree = ast.parse(open(path).read(), path)
        key = mod + ('.__init__' if path.endswith('__init__.py') else '')
        deps = set()
        for node in (ast.walk(tree) if lazy else tree.body):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(key, node)
                targets = [f'{base}.{a.name}' for a in node.names] + [base]
            for t in targets:
                while t and t not in files:
                    t = t.rpartition('.')[0]
                if t and t.startswith('mmsport') and t != mod:
                    deps.add(t)
        graph[mod] = deps
    return graph


def find_cycle(graph):
    """One cycle as a list of modules, or None.

    A package's ``__init__`` importing its submodules counts; a submodule importing one
    of its own ancestor packages does not (``import mmsport`` for registration, or a
    package's lazy ``__getattr__`` name table, would otherwise close every cycle).
    """
    state, stack = {}, []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for d in sorted(graph.get(m, ())):
            if m.startswith(d + '.'):
                continue  # a submodule importing its own ancestor package
            if state.get(d) == 1:
                return stack[stack.index(d):] + [d]
            if d not in state:
                found = visit(d)
                if found:
                    return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state:
            found = visit(m)
            if found:
                return found
    return None


def package_graph(graph, depth: int = 2):
    """The graph between subpackages (``mmsport.<pkg>``)."""
    out = {}
    for m, deps in graph.items():
        a = '.'.join(m.split('.')[:depth])
        for d in deps:
            b = '.'.join(d.split('.')[:depth])
            if a != b:
                out.setdefault(a, set()).add(b)
    return out


def test_no_import_cycle_between_mmsport_modules():
    """Also through imports deferred into functions: a deferred import hides a cycle."""
    cycle = find_cycle(import_graph(lazy=True))
    assert cycle is None, 'import cycle: ' + ' -> '.join(cycle)


def test_subpackages_form_layers():
    """At module level, subpackages import each other without cycles (fileio/video/utils
    below datasets/models, below evaluation, below apis)."""
    cycle = find_cycle(package_graph(import_graph()))
    assert cycle is None, 'import cycle between subpackages: ' + ' -> '.join(cycle)


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({'a': {'b'}, 'b': {'c'}, 'c': {'a'}}) == ['a', 'b', 'c', 'a']
    assert find_cycle({'a': {'b'}, 'b': {'c'}, 'c': set()}) is None
    # through a package's __init__: p imports p.x, p.x imports q, q imports p
    assert find_cycle({'p': {'p.x'}, 'p.x': {'q'}, 'q': {'p'}}) == ['p', 'p.x', 'q', 'p']
    assert find_cycle({'p': {'p.x'}, 'p.x': {'p'}}) is None  # a submodule and its package


def test_relative_imports_of_a_package_init_are_edges():
    graph = import_graph()
    assert 'mmsport.apis.inferencers.ball_tracking_inferencer' in graph['mmsport.apis.inferencers']
    assert 'mmsport.apis.ball_tracking' in graph['mmsport.apis.inferencers.ball_tracking_inferencer']


def test_nothing_is_loaded_by_path():
    pattern = 'spec_from_' + 'file_location|runpy[.]' + 'run_path'  # not matching this file
    out = subprocess.run(['git', 'grep', '-l', '-E', pattern, '--',
                          '*.py'], cwd=REPO, capture_output=True, text=True).stdout.split()
    assert out == [], out
