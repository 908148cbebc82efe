from .ball_stack_transforms import (BallHeatmapTarget, LoadBallFrameStack, PackBallInputs,
                                    RandomBallCrop, RandomFlipBallStack)
from .ball_stack_augment import (BallStackBlur, BallStackColorJitter, BallStackJPEG,
                                 RandomBallScale)
from .checked_loading import CheckedLoadImageFromFile, CheckedRawFrameDecode
from .letterbox_clip import LetterboxClip
from .soccer_window_transforms import (LoadSoccerWindow, PackSoccerWindowInputs,
                                       RandomHorizontalFlipWindow, SoccerWindowTarget)
from .soccer_clip_transforms import (LoadSoccerClip, LoadSoccerClipFeatures,
                                     PackSoccerClipInputs, SoccerClipTargets, SoccerClipToImage)

__all__ = ['LoadBallFrameStack', 'RandomFlipBallStack', 'BallHeatmapTarget', 'PackBallInputs',
           'RandomBallCrop',
           'LoadSoccerWindow', 'SoccerWindowTarget', 'RandomHorizontalFlipWindow',
           'PackSoccerWindowInputs']
__all__ += ['LoadSoccerClip', 'LoadSoccerClipFeatures', 'SoccerClipTargets',
            'PackSoccerClipInputs', 'SoccerClipToImage']
__all__ += ['CheckedRawFrameDecode', 'CheckedLoadImageFromFile']
__all__ += ['LetterboxClip']
__all__ += ['RandomBallScale', 'BallStackColorJitter', 'BallStackBlur', 'BallStackJPEG']
