"""Arguments of the components a Runner builds, checked against the registered classes.

mmengine builds hooks, the optimizer wrapper, the optimizer and the parameter
schedulers from config dicts; a misspelled argument fails only when the object is
built, or later: ``CheckpointHook`` forwards unknown arguments to
``Runner.save_checkpoint``, so ``checkpoint=dict(intervel=5)`` fails at the first save,
after the training iterations already ran. :func:`component_arg_problems` finds them
from the config alone, using ``inspect.signature`` of each registered class:

* ``default_hooks.<name>`` and ``custom_hooks.<i>``: the hook class (``priority`` allowed);
* ``optim_wrapper``: the wrapper class (plus the constructor's ``optimizer``,
  ``paramwise_cfg``, ``constructor``); ``optim_wrapper.optimizer``: the optimizer class.
  Skipped with a custom ``constructor`` or a multi-optimizer dict (no ``optimizer``);
* ``param_scheduler`` (a dict, a list, or a dict of lists per optimizer): the scheduler
  class (plus ``convert_to_iter_based``).

A class taking ``**kwargs`` is followed up its bases while its ``__init__`` passes them
on to ``super().__init__``; when it keeps them (or its source cannot be read) its
arguments are not checked. ``CheckpointHook``'s ``**kwargs`` accept nothing (see above).
The type is looked up under the dict's ``_scope_`` or the config's ``default_scope``;
an unregistered type is reported too.
"""
import difflib
import inspect
import re
from typing import List, Optional, Set, Tuple

Problem = Tuple[str, str]  # (dotted key path, message)

COMMON = {'type', '_scope_'}
HOOK_EXTRA = COMMON | {'priority'}  # popped by Runner.register_hook
WRAPPER_EXTRA = COMMON | {'optimizer', 'paramwise_cfg', 'constructor'}
SCHEDULER_EXTRA = COMMON | {'convert_to_iter_based'}  # popped by build_scheduler_from_cfg
DEFAULT_HOOKS = {'runtime_info': 'RuntimeInfoHook', 'timer': 'IterTimerHook',
                 'sampler_seed': 'DistSamplerSeedHook', 'logger': 'LoggerHook',
                 'param_scheduler': 'ParamSchedulerHook', 'checkpoint': 'CheckpointHook'}
# classes whose **kwargs are forwarded to a call that takes no further keyword
KWARGS_ACCEPT_NOTHING = ('CheckpointHook', )


def suggest(word: str, candidates, cutoff: float = 0.6) -> str:
    """``"; did you mean 'x'?"`` for the closest candidate, or ``''``."""
    match = difflib.get_close_matches(word, sorted(map(str, candidates)), 1, cutoff)
    return f"; did you mean '{match[0]}'?" if match else ''


def _forwards_kwargs(init, var_kw: str) -> bool:
    """True when ``init``'s source passes ``**var_kw`` to another ``__init__`` and does
    not read keys out of it."""
    try:
        src = inspect.getsource(init)
    except (OSError, TypeError):
        return False
    if re.search(rf'\b{var_kw}\s*(\.\s*(pop|get|setdefault)\s*\(|\[)', src):
        return False
    return re.search(rf'__init__\([^;]*?\*\*{var_kw}\b', src, re.S) is not None


def accepted_arguments(cls) -> Optional[Set[str]]:
    """Keyword arguments ``cls(...)`` accepts, or None when it takes arbitrary ones."""
    names: Set[str] = set()
    for klass in inspect.getmro(cls):
        init = klass.__dict__.get('__init__')
        if init is None:
            continue
        if klass is object:
            return None
        try:
            params = list(inspect.signature(init).parameters.values())[1:]
        except (TypeError, ValueError):
            return None
        keyword = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
        names |= {p.name for p in params if p.kind in keyword}
        var_kw = [p.name for p in params if p.kind == p.VAR_KEYWORD]
        if not var_kw or klass.__name__ in KWARGS_ACCEPT_NOTHING:
            return names
        if not _forwards_kwargs(init, var_kw[0]):
            return None
    return None


def _lookup(registry, type_, scope):
    """(class or None, registry used) for ``type_`` under ``scope``."""
    if inspect.isclass(type_):
        return type_, registry
    with registry.switch_scope_and_registry(scope) as reg:
        try:
            return reg.get(type_), reg
        except (KeyError, ImportError):
            return None, reg


def _registered_names(reg) -> Set[str]:
    names = set()
    while reg is not None:
        names |= set(reg.module_dict)
        reg = reg.parent
    return names


def check_dict(path: str, cfg, registry, scope, extra: Set[str],
               default_type: Optional[str] = None) -> List[Problem]:
    """Problems of one component dict at ``path``: unregistered type, unknown arguments."""
    if not isinstance(cfg, dict):
        return []
    type_ = cfg.get('type', default_type)
    if type_ is None:
        return []
    cls, reg = _lookup(registry, type_, cfg.get('_scope_', scope))
    if cls is None:
        return [(path, f"type '{type_}' is not registered in the {reg.name} registry "
                       f'(scope {reg.scope}){suggest(str(type_), _registered_names(reg))}')]
    accepted = accepted_arguments(cls)
    if accepted is None:
        return []
    return [(f'{path}.{k}', f"{cls.__name__} takes no argument '{k}'"
                            f'{suggest(k, accepted | extra - COMMON)}')
            for k in cfg if k not in accepted and k not in extra]


def _hooks(cfg, scope) -> List[Problem]:
    from mmengine.registry import HOOKS
    out = []
    for name, hook in (cfg.get('default_hooks') or {}).items():
        if isinstance(hook, dict) and 'type' not in hook and name not in DEFAULT_HOOKS:
            out.append((f'default_hooks.{name}', "not one of mmengine's default hooks and has no "
                        f"'type'{suggest(name, DEFAULT_HOOKS)}"))
            continue
        out += check_dict(f'default_hooks.{name}', hook, HOOKS, scope, HOOK_EXTRA,
                          DEFAULT_HOOKS.get(name))
    for i, hook in enumerate(cfg.get('custom_hooks') or []):
        out += check_dict(f'custom_hooks.{i}', hook, HOOKS, scope, HOOK_EXTRA)
    return out


def _optim(cfg, scope) -> List[Problem]:
    from mmengine.registry import OPTIM_WRAPPERS, OPTIMIZERS
    wrapper = cfg.get('optim_wrapper')
    if not isinstance(wrapper, dict) or ('optimizer' not in wrapper and 'type' not in wrapper):
        return []  # none, or one wrapper per optimizer: left to the constructor
    if wrapper.get('constructor', 'DefaultOptimWrapperConstructor') != \
            'DefaultOptimWrapperConstructor':
        return []
    out = check_dict('optim_wrapper', wrapper, OPTIM_WRAPPERS, scope, WRAPPER_EXTRA,
                     'OptimWrapper')
    return out + check_dict('optim_wrapper.optimizer', wrapper.get('optimizer'), OPTIMIZERS,
                            scope, COMMON | {'params'})


def _schedulers(cfg, scope) -> List[Problem]:
    from mmengine.registry import PARAM_SCHEDULERS

    def walk(path, node):
        if isinstance(node, dict) and 'type' in node:
            return check_dict(path, node, PARAM_SCHEDULERS, scope, SCHEDULER_EXTRA)
        items = node.items() if isinstance(node, dict) else \
            enumerate(node) if isinstance(node, (list, tuple)) else ()
        return [p for k, v in items for p in walk(f'{path}.{k}', v)]

    return walk('param_scheduler', cfg.get('param_scheduler'))


def component_arg_problems(cfg) -> List[Problem]:
    """Unknown arguments and types of the hooks, optimizer (wrapper) and schedulers."""
    scope = cfg.get('default_scope')
    return _hooks(cfg, scope) + _optim(cfg, scope) + _schedulers(cfg, scope)
