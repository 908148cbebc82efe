from .basketball_reid_dataset import BasketballReIDDataset
from .recognition_datasets import RawframeCatDataset, VideoCatDataset
from .class_folder_video_dataset import ClassFolderVideoDataset
from .reid_folds import ReIDFoldError
from .samplers import SoccerWindowSampler
from .soccernet_ball_dataset import SoccerNetBallDataset
from mmsport.fileio.soccernet import SoccerNetDataError
from .soccernet_v2_clip_dataset import SoccerNetV2ClipDataset
from .ball_tracking_dataset import BallTrackingDataset, TennisBallDataset
from .tennis_io import TennisDataError
from .transforms import *  # noqa: F401,F403

__all__ = ['BasketballReIDDataset', 'ReIDFoldError', 'RawframeCatDataset', 'VideoCatDataset',
           'BallTrackingDataset', 'TennisBallDataset', 'TennisDataError', 'SoccerNetBallDataset',
           'SoccerWindowSampler', 'SoccerNetDataError']
from .samplers import *  # noqa: F401,F403
__all__ += ['SoccerNetV2ClipDataset', 'ClassFolderVideoDataset']
