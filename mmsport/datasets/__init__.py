from .soccernet_ball_dataset import SoccerNetBallDataset, SoccerWindowSampler
from .soccernet_io import SoccerNetDataError
from .tennis_ball_dataset import TennisBallDataset
from .tennis_io import TennisDataError
from .transforms import *  # noqa: F401,F403

__all__ = ['TennisBallDataset', 'TennisDataError', 'SoccerNetBallDataset',
           'SoccerWindowSampler', 'SoccerNetDataError']
