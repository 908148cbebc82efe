"""OpenMMLab-style inferencers (mmengine ``BaseInferencer``), one per task."""
from .ball_tracking_inferencer import BallTrackingInferencer, collect_ball_inputs, track_clip

__all__ = ['BallTrackingInferencer', 'collect_ball_inputs', 'track_clip']
