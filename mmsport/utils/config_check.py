"""Config key checking before a Runner is built (``tools/train.py``, ``tools/test.py``).

mmengine ignores keys it does not read, so a typo (``optim_wraper = dict(...)``) trains
with the defaults without a word. :func:`check_config_keys` reports, as one
:class:`ConfigKeyError`, every problem of three kinds:

1. **Top-level keys.** Configs legitimately define helper variables (``data_root``,
   ``train_pipeline``, ``max_iters``...), so a top-level key is reported only when it is
   (a) not a known key (a ``Runner`` argument, a key mmengine's Runner reads from its
   cfg such as ``find_unused_parameters``, or a key mmsport's tools read such as
   ``inference``), (b) not referenced as a variable in any file of the config's
   ``_base_`` chain (by name, ``_base_.key`` or ``{{_base_.key}}``), and (c) a close match
   (``difflib`` ratio >= 0.8) of a known key that is not the key plus ``_``-joined words or
   the reverse (``evaluator`` is a helper for ``val_evaluator``, not a typo of it), or an
   MMCV-1.x key that mmengine ignores (``lr_config``, ``optimizer_config``, ``runner``...).
   Top-level keys are not compared with each other: a dumped config (``cfg.dump``, as the
   cross-validation tools write) keeps every helper variable but no reference to it, and
   ``data_root`` next to ``data_root_val`` is no typo.
2. **``--cfg-options`` keys**, checked against the config before merging: the first
   component must be a key of the config or a known key; a component in the middle must
   exist (a dict key, or a list index in range); a new last component is reported when
   it is a close match of an existing sibling (``optim_wrapper.optimizer.lrr``). Setting
   a helper variable (a top-level key that is not a known key) is reported too: its
   value was already substituted where the config files use it, so the override would
   change nothing; the message names the keys to set instead.
3. **Component arguments** of hooks, optimizer (wrapper) and schedulers, checked
   against the registered classes' signatures (:mod:`mmsport.utils.config_args`).

Opt-out, for keys meant to be new: list their paths in the config,
``allowed_extra_keys = ['my_key', 'default_hooks.my_hook.my_arg']`` (a path also allows
everything under it), or pass ``--allow-new-keys`` (problems become warnings).
"""
import ast
import copy
import inspect
import os
import re
import sys
from typing import Iterable, List, Optional, Set

from .config_args import Problem, component_arg_problems, suggest

CUTOFF = 0.8
# read from runner.cfg by mmengine's Runner besides its __init__ arguments
RUNNER_CFG_KEYS = {'model_wrapper_cfg', 'sync_bn', 'find_unused_parameters', 'compile',
                   'activation_checkpointing', 'efficient_conv_bn_eval', 'runner_type'}
CONFIG_KEYS = {'_base_', 'custom_imports', 'default_scope', 'allowed_extra_keys'}
# read from the config by mmsport's tools and APIs (not the Runner)
TOOL_KEYS = {'inference', 'fusion', 'classes_file', 'det_classes'}
LEGACY_KEYS = {  # MMCV 1.x keys that mmengine ignores -> what to use
    'optimizer': 'optim_wrapper = dict(optimizer=...)', 'optimizer_config': 'optim_wrapper',
    'lr_config': 'param_scheduler', 'momentum_config': 'param_scheduler',
    'runner': 'train_cfg', 'total_epochs': 'train_cfg.max_epochs',
    'checkpoint_config': 'default_hooks.checkpoint', 'log_config': 'default_hooks.logger',
    'evaluation': 'val_cfg / val_evaluator', 'workflow': 'train_cfg / val_cfg',
    'data': 'train_dataloader / val_dataloader / test_dataloader',
    'dist_params': 'env_cfg.dist_cfg', 'cudnn_benchmark': 'env_cfg.cudnn_benchmark',
    'fp16': "optim_wrapper.type='AmpOptimWrapper'"}
_BASE_VAR = re.compile(r'\{\{\s*_base_\.([A-Za-z_]\w*)[^}]*\}\}')


class ConfigKeyError(ValueError):
    """Config keys that would be ignored or fail late; the message lists every one."""


def known_keys() -> Set[str]:
    """Top-level keys something reads: Runner / FlexibleRunner arguments and the above."""
    from mmengine.runner import FlexibleRunner, Runner
    keys = set(RUNNER_CFG_KEYS | CONFIG_KEYS | TOOL_KEYS)
    for cls in (Runner, FlexibleRunner):
        keys |= set(inspect.signature(cls.__init__).parameters) - {'self', 'cfg'}
    return keys


def config_chain(filename: str) -> List[str]:
    """``filename`` and every file of its ``_base_`` chain (unreadable ones left out)."""
    from mmengine.config import Config
    files, todo = [], [os.path.abspath(filename)]
    while todo:
        path = todo.pop()
        if path in files or not os.path.isfile(path):
            continue
        files.append(path)
        try:
            tree = ast.parse(_BASE_VAR.sub('None', open(path).read()))
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == '_base_' for t in node.targets):
                try:
                    bases = ast.literal_eval(node.value)
                except ValueError:
                    continue
                for b in [bases] if isinstance(bases, str) else bases:
                    try:
                        todo.append(os.path.abspath(Config._get_cfg_path(b, path)[0]))
                    except Exception:  # e.g. a package config that is not installed
                        pass
    return files


def referenced_names(files: Iterable[str]) -> Set[str]:
    """Names the config files read: variables, ``_base_.x`` and ``{{_base_.x}}``.

    A file that does not parse contributes every identifier in it (nothing flagged).
    """
    names = set()
    for path in files:
        text = open(path).read()
        names |= set(_BASE_VAR.findall(text))
        try:
            tree = ast.parse(_BASE_VAR.sub('None', text))
        except SyntaxError:
            names |= set(re.findall(r'[A-Za-z_]\w*', text))
            continue
        for n in ast.walk(tree):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
                names.add(n.id)
            elif isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) \
                    and n.value.id == '_base_':
                names.add(n.attr)
    return names


def _derived(a: str, b: str) -> bool:
    """True when one name is the other plus ``_``-joined words (``evaluator`` and
    ``val_evaluator``, ``optim_wrapper`` and ``optim_wrapper_lr``): a derived name."""
    short, long_ = sorted((a, b), key=len)
    return long_.startswith(short + '_') or long_.endswith('_' + short)


def top_level_problems(cfg, known: Set[str]) -> List[Problem]:
    """Rule 1 of the module docstring."""
    used = referenced_names(config_chain(cfg.filename)) if cfg.filename else set()
    keys, out = set(cfg.keys()), []
    for k in sorted(keys - known - used):
        if k in LEGACY_KEYS:
            out.append((k, f'an MMCV 1.x key that mmengine ignores; use {LEGACY_KEYS[k]}'))
            continue
        hint = suggest(k, [c for c in known if not _derived(k, c)], CUTOFF)
        if hint:
            out.append((k, 'not read by the Runner nor used in the config files' + hint))
    return out


def _paths_named(node, name: str, prefix: str = '') -> List[str]:
    """Dotted paths below ``node`` whose last key is ``name``."""
    items = node.items() if isinstance(node, dict) else \
        enumerate(node) if isinstance(node, (list, tuple)) else ()
    out = []
    for k, v in items:
        path = f'{prefix}.{k}' if prefix else str(k)
        out += [path] if k == name else []
        out += _paths_named(v, name, path)
    return out


def option_problems(cfg, options: dict, known: Set[str]) -> List[Problem]:
    """Rule 2 of the module docstring; ``cfg`` is the config before merging."""
    out = []
    for key in options:
        parts = key.split('.')
        top = parts[0]
        if top not in cfg:
            if top not in known:
                out.append((key, f"(--cfg-options) the config has no key '{top}'"
                                 + suggest(top, set(cfg.keys()) | known)))
            continue
        if top not in known:
            where = [p for p in _paths_named({k: cfg[k] for k in cfg.keys()}, parts[-1])
                     if '.' in p][:4]
            out.append((key, f"(--cfg-options) '{top}' is a variable of the config "
                             'files, already substituted where they use it, so setting it '
                             'changes nothing' + (f"; set {' / '.join(where)}" if where
                                                  else '')))
            continue
        node = cfg[top]
        for i, part in enumerate(parts[1:], 1):
            prefix, last = '.'.join(parts[:i]), i == len(parts) - 1
            if isinstance(node, dict):
                if part in node:
                    node = node[part]
                    continue
                hint = suggest(part, node.keys(), CUTOFF if last else 0.6)
                if not last or hint:
                    out.append((key, f"(--cfg-options) {prefix} has no key '{part}'"
                                     + hint))
            elif isinstance(node, (list, tuple)) and part.isdigit():
                if int(part) < len(node):
                    node = node[int(part)]
                    continue
                out.append((key, f'(--cfg-options) {prefix} has {len(node)} items'))
            break
    return out


def _allowed(path: str, allowed: Iterable[str]) -> bool:
    return any(path == a or path.startswith(a + '.') for a in allowed)


def config_key_problems(cfg, cfg_options: Optional[dict] = None) -> List[Problem]:
    """Every problem of ``cfg`` (before merging ``cfg_options``), minus the allowed ones."""
    known = known_keys()
    problems, seen = option_problems(cfg, cfg_options or {}, known), set()
    merged = copy.deepcopy(cfg)
    try:
        merged.merge_from_dict(cfg_options or {})
    except (KeyError, TypeError, ValueError) as e:  # e.g. a list index out of range
        merged = cfg
        if not problems:
            problems.append(('--cfg-options', f'cannot be merged: {e}'))
    out = []
    for path, msg in problems + top_level_problems(cfg, known) + component_arg_problems(merged):
        if path not in seen:
            seen.add(path)
            out.append((path, msg))
    allowed = merged.get('allowed_extra_keys') or []
    return [(p, m) for p, m in out if not _allowed(p, allowed)]


def check_config_keys(cfg, cfg_options: Optional[dict] = None,
                      allow_new_keys: bool = False) -> None:
    """Raise :class:`ConfigKeyError` listing every problem (see the module docstring);
    with ``allow_new_keys`` print them to stderr as warnings instead."""
    problems = config_key_problems(cfg, cfg_options)
    if not problems:
        return
    name = cfg.filename or 'config'
    lines = '\n'.join(f'  {p}: {m}' for p, m in problems)
    if allow_new_keys:
        print(f'warning: {name}: keys kept as given (--allow-new-keys):\n{lines}',
              file=sys.stderr)
        return
    raise ConfigKeyError(
        f'{name}: {len(problems)} config key problem(s), found before building the '
        f'runner:\n{lines}\nFix them, or for keys meant to be new list them in the config '
        "(allowed_extra_keys = ['key', ...]) or pass --allow-new-keys.")
