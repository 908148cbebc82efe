"""Pure numpy metric math (torch-free).

Names are loaded from their submodule on first use (PEP 562), so that importing one
submodule, e.g. :mod:`.spotting` for ``tools/evaluate_spotting.py``, does not pay for
the others (:mod:`.reid` imports scikit-learn).
"""
import importlib

_SUBMODULE_OF = {
    **dict.fromkeys(('sibatracc_errors', 'sibatracc', 'running_sibatracc', 'tracking_prf',
                     'tracknet_counts', 'tracknet_scores', 'tracknet_tolerance'), 'tracking'),
    **dict.fromkeys(('DELTAS', 'V2_CLASSES', 'BALL_2023_CLASSES', 'average_map',
                     'closest_vector', 'labels_to_vectors', 'predictions_to_vectors'),
                    'spotting'),
    **dict.fromkeys(('evaluate_rank', 'open_set_macro_f1', 'gallery_centroids',
                     'match_gallery', 'threshold_candidates', 'tune_threshold',
                     'ensemble_fold_scores'), 'reid'),
}

__all__ = list(_SUBMODULE_OF)


def __getattr__(name):
    sub = _SUBMODULE_OF.get(name)
    if sub is None:
        raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
    value = getattr(importlib.import_module(f'{__name__}.{sub}'), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
