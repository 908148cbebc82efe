from .ball_stack_transforms import (BallHeatmapTarget, LoadBallFrameStack, PackBallInputs,
                                    RandomFlipBallStack)
from .soccer_window_transforms import (LoadSoccerWindow, PackSoccerWindowInputs,
                                       RandomHorizontalFlipWindow, SoccerWindowTarget)

__all__ = ['LoadBallFrameStack', 'RandomFlipBallStack', 'BallHeatmapTarget', 'PackBallInputs',
           'LoadSoccerWindow', 'SoccerWindowTarget', 'RandomHorizontalFlipWindow',
           'PackSoccerWindowInputs']
