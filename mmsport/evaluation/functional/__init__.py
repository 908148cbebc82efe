from .reid import (ensemble_fold_scores, evaluate_rank, gallery_centroids, match_gallery,
                   open_set_macro_f1, threshold_candidates, tune_threshold)
from .spotting import (BALL_2023_CLASSES, DELTAS, V2_CLASSES, average_map, closest_vector,
                       labels_to_vectors, predictions_to_vectors)
from .tracking import (running_sibatracc, sibatracc, sibatracc_errors, tracking_prf,
                       tracknet_counts, tracknet_scores, tracknet_tolerance)

__all__ = ['sibatracc_errors', 'sibatracc', 'running_sibatracc', 'tracking_prf',
           'tracknet_counts', 'tracknet_scores', 'tracknet_tolerance', 'DELTAS',
           'V2_CLASSES', 'BALL_2023_CLASSES', 'average_map', 'closest_vector',
           'labels_to_vectors', 'predictions_to_vectors']
__all__ += ['evaluate_rank', 'open_set_macro_f1', 'gallery_centroids', 'match_gallery',
            'threshold_candidates', 'tune_threshold', 'ensemble_fold_scores']
