"""Registry set-up for scripts that do not go through a config's custom_imports."""
import datetime
import warnings


def register_all_modules(init_default_scope: bool = True) -> None:
    """Import every mmsport (and mmaction) module so registries are filled.

    Args:
        init_default_scope: also make ``mmsport`` the current default scope, so
            unprefixed types resolve in mmsport's registries (then mmaction's).
    """
    from mmengine import DefaultScope

    import mmaction.datasets  # noqa: F401
    import mmaction.engine  # noqa: F401
    import mmaction.evaluation  # noqa: F401
    import mmaction.models  # noqa: F401
    import mmaction.visualization  # noqa: F401

    import mmsport.datasets  # noqa: F401
    import mmsport.engine  # noqa: F401
    import mmsport.evaluation.metrics  # noqa: F401
    import mmsport.models  # noqa: F401
    import mmsport.visualization  # noqa: F401

    if not init_default_scope:
        return
    current = DefaultScope.get_current_instance()
    if current is None:
        DefaultScope.get_instance('mmsport', scope_name='mmsport')
    elif current.scope_name != 'mmsport':
        warnings.warn(f'The current default scope "{current.scope_name}" is not "mmsport"; '
                      '`register_all_modules` makes a new "mmsport" default scope.')
        name = f'mmsport-{datetime.datetime.now()}'
        DefaultScope.get_instance(name, scope_name='mmsport')
