from .ball_stack_transforms import (BallHeatmapTarget, LoadBallFrameStack, PackBallInputs,
                                    RandomFlipBallStack)

__all__ = ['LoadBallFrameStack', 'RandomFlipBallStack', 'BallHeatmapTarget', 'PackBallInputs']
