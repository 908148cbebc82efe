from .spotting_timeline import plot_spotting_timeline
from .tracking_video import TrackingVideoWriter, draw_ball_overlay, draw_heatmap_overlay

__all__ = ['TrackingVideoWriter', 'draw_ball_overlay', 'draw_heatmap_overlay',
           'plot_spotting_timeline']
