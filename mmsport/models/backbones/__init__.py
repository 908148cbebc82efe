from .ball_unet import BallUNet

__all__ = ['BallUNet']
