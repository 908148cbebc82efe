from .tennis import make_tiny_tennis_data, tiny_tennis_cfg

__all__ = ['make_tiny_tennis_data', 'tiny_tennis_cfg']
