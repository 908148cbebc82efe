"""mmsport registries: one child of every mmaction2 registry.

Rules (see docs/architecture.md, "Registry rules"):

* each registry below has ``parent=`` the mmaction registry of the same kind,
  so modules from mmaction (and, through it, mmengine) resolve unprefixed
  under ``default_scope='mmsport'``;
* ``locations`` lists both the mmaction and the mmsport package, because a
  parent's ``locations`` are not imported when a build goes through a child.

``tests/test_registry.py`` checks that every registry of ``mmaction.registry``
has a child here, so a new upstream registry cannot be forgotten silently.
"""
from mmaction import registry as mmaction_registry
from mmengine.registry import Registry

from . import compat

# Loading mmengine checkpoints under torch>=2.6 (see mmsport.compat); every
# runner, model and checkpoint load goes through these registries.
compat.apply_all()


def _child(name: str, attr: str, mmaction_pkg, mmsport_pkg: str) -> Registry:
    """Build a child of ``mmaction.registry.<attr>``.

    Args:
        name: the registry's name (as mmaction names it).
        attr: attribute name of the parent in ``mmaction.registry``.
        mmaction_pkg: the mmaction sub-package the parent imports from, or
            None where that location does not exist in the installed wheel.
        mmsport_pkg: the mmsport sub-package whose modules register here.
    """
    locations = [f'mmaction.{mmaction_pkg}'] if mmaction_pkg else []
    locations.append(f'mmsport.{mmsport_pkg}')
    return Registry(name, parent=getattr(mmaction_registry, attr), locations=locations)


RUNNERS = _child('runner', 'RUNNERS', 'engine.runner', 'engine')
RUNNER_CONSTRUCTORS = _child('runner constructor', 'RUNNER_CONSTRUCTORS', 'engine.runner',
                             'engine')
LOOPS = _child('loop', 'LOOPS', 'engine.runner', 'engine')
HOOKS = _child('hook', 'HOOKS', 'engine.hooks', 'engine')

DATASETS = _child('dataset', 'DATASETS', 'datasets', 'datasets')
DATA_SAMPLERS = _child('data sampler', 'DATA_SAMPLERS', 'engine', 'datasets')
TRANSFORMS = _child('transform', 'TRANSFORMS', 'datasets.transforms', 'datasets')

MODELS = _child('model', 'MODELS', 'models', 'models')
MODEL_WRAPPERS = _child('model_wrapper', 'MODEL_WRAPPERS', 'models', 'models')
WEIGHT_INITIALIZERS = _child('weight initializer', 'WEIGHT_INITIALIZERS', 'models', 'models')

OPTIMIZERS = _child('optimizer', 'OPTIMIZERS', 'engine.optimizers', 'engine')
OPTIM_WRAPPERS = _child('optim_wrapper', 'OPTIM_WRAPPERS', 'engine.optimizers', 'engine')
OPTIM_WRAPPER_CONSTRUCTORS = _child('optimizer wrapper constructor',
                                    'OPTIM_WRAPPER_CONSTRUCTORS', 'engine.optimizers', 'engine')
PARAM_SCHEDULERS = _child('parameter scheduler', 'PARAM_SCHEDULERS', 'engine', 'engine')

METRICS = _child('metric', 'METRICS', 'evaluation', 'evaluation.metrics')
EVALUATOR = _child('evaluator', 'EVALUATOR', 'evaluation', 'evaluation.metrics')

TASK_UTILS = _child('task util', 'TASK_UTILS', 'models', 'models')

VISUALIZERS = _child('visualizer', 'VISUALIZERS', 'visualization', 'visualization')
VISBACKENDS = _child('vis_backend', 'VISBACKENDS', 'visualization', 'visualization')

LOG_PROCESSORS = _child('log_processor', 'LOG_PROCESSORS', 'engine', 'engine')
INFERENCERS = _child('inferencer', 'INFERENCERS', 'apis.inferencers', 'apis')

# mmaction's FUNCTION points at 'mmaction.mmengine', which the 1.2.0 wheel lacks.
FUNCTION = _child('function', 'FUNCTION', None, 'models')
TOKENIZER = _child('tokenizer', 'TOKENIZER', 'models', 'models')
