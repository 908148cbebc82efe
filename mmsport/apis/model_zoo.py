"""The model zoo: trained models by name (``model-index.yml`` and the metafiles it lists).

    >>> from mmsport.apis.model_zoo import get_model_info, list_models
    >>> list_models()                       # every name, aliases included
    ['ballunet-s3_shuttlecock-640x360', 'shuttlecock']
    >>> info = get_model_info('shuttlecock')
    >>> info.config, info.weights           # absolute paths of the shipped files

The layout is OpenMMLab's (the one ``mim`` and mmengine's inferencers read): a root
``model-index.yml`` with ``Import: [configs/<task>/metafile.yml, ...]``, and in each
metafile ``Models: [{Name, Alias, Config, Weights, Metadata, Results}, ...]``. ``Config``
and ``Weights`` are paths relative to the repository (or to ``mmsport/.mim`` in a
packaged install, as mmengine looks them up); ``Weights`` may also be a URL.
"""
import os.path as osp
from typing import Dict, List, NamedTuple, Optional

MODEL_INDEX = 'model-index.yml'


class ModelZooError(ValueError):
    """A model name that is not in the zoo, or a metafile entry that is broken."""


class ModelInfo(NamedTuple):
    """One model of the zoo.

    Attributes:
        name: its ``Name``.
        config: absolute path of its config file.
        weights: absolute path (or URL) of its checkpoint.
        metafile: the metafile that lists it.
        entry: the whole metafile entry (``Metadata``, ``Results``, ...).
    """
    name: str
    config: str
    weights: str
    metafile: str
    entry: dict


def zoo_root() -> str:
    """The folder holding ``model-index.yml`` and ``configs/``.

    As mmengine's inferencers find it: the repository beside the package (source
    and editable installs), else the package's ``.mim`` folder (packaged installs).
    """
    from mmengine.infer import BaseInferencer
    return BaseInferencer._get_repo_or_mim_dir('mmsport')


def _load_yaml(path: str):
    import yaml
    try:
        with open(path) as f:
            return yaml.safe_load(f)
    except OSError as e:
        raise ModelZooError(f'{path}: cannot be read ({e.strerror or e})') from None
    except yaml.YAMLError as e:
        raise ModelZooError(f'{path}: not valid YAML ({e})') from None


def load_model_index(root: Optional[str] = None) -> List[ModelInfo]:
    """Every model listed by ``<root>/model-index.yml``, in file order.

    Raises:
        ModelZooError: a metafile that is missing or malformed, or an entry
            without ``Name``, ``Config`` or ``Weights`` (naming the metafile and entry).
    """
    root = root or zoo_root()
    index_path = osp.join(root, MODEL_INDEX)
    index = _load_yaml(index_path) or {}
    imports = index.get('Import') if isinstance(index, dict) else None
    if not isinstance(imports, list):
        raise ModelZooError(f'{index_path}: expected an "Import" list of metafiles')
    models = []
    for rel in imports:
        meta_path = osp.join(root, str(rel))
        meta = _load_yaml(meta_path) or {}
        entries = meta.get('Models') if isinstance(meta, dict) else None
        if not isinstance(entries, list):
            raise ModelZooError(f'{meta_path}: expected a "Models" list')
        for i, entry in enumerate(entries):
            missing = [k for k in ('Name', 'Config', 'Weights')
                       if not isinstance(entry, dict) or not entry.get(k)]
            if missing:
                raise ModelZooError(f'{meta_path}: model {i + 1} has no '
                                    f'{", ".join(missing)}')
            weights = entry['Weights']
            weights = weights[0] if isinstance(weights, list) else str(weights)
            if '://' not in weights:
                weights = osp.join(root, weights)
            models.append(ModelInfo(str(entry['Name']), osp.join(root, entry['Config']),
                                    weights, meta_path, entry))
    return models


def _names(info: ModelInfo) -> List[str]:
    alias = info.entry.get('Alias') or []
    return [info.name] + ([alias] if isinstance(alias, str) else [str(a) for a in alias])


def list_models(root: Optional[str] = None) -> List[str]:
    """Every name and alias in the zoo, sorted."""
    return sorted(n for info in load_model_index(root) for n in _names(info))


def get_model_info(name: str, root: Optional[str] = None) -> ModelInfo:
    """The zoo entry whose ``Name`` or ``Alias`` is ``name`` (case-insensitive).

    Raises:
        ModelZooError: no such model (the message lists the known names).
    """
    infos = load_model_index(root)
    table: Dict[str, ModelInfo] = {n.lower(): info for info in infos for n in _names(info)}
    if name.lower() not in table:
        known = ', '.join(sorted(n for info in infos for n in _names(info))) or 'none'
        raise ModelZooError(f'{name!r} is neither a config file nor a model of the mmsport '
                            f'zoo (known: {known})')
    return table[name.lower()]


def is_model_name(arg: str) -> bool:
    """True for a string meant as a zoo name: not an existing path, no config suffix."""
    return not osp.exists(arg) and not arg.endswith(('.py', '.json', '.yml', '.yaml'))
