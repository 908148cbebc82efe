from .pk_sampler import PKSampler
from .soccer_window_sampler import SoccerWindowSampler

__all__ = ['PKSampler', 'SoccerWindowSampler']
