from .detector_evidence_fusion import (DetectorEvidenceFusion, fit_threshold, video_evidence,
                                       video_id)

__all__ = ['DetectorEvidenceFusion', 'fit_threshold', 'video_evidence', 'video_id']
