from .sibatracc_metric import SiBaTrAccMetric
from .spotting_metric import SpottingMAPMetric, centre_scores_to_curve, spots_to_predictions

__all__ = ['SiBaTrAccMetric', 'SpottingMAPMetric', 'centre_scores_to_curve',
           'spots_to_predictions']
from .reid_metric import ReIDMetric  # noqa: E402
from .window_spotting_metric import WindowSpottingMetric  # noqa: E402

__all__ += ['ReIDMetric', 'WindowSpottingMetric']
