from .peak_spotting import peak_spotting

__all__ = ['peak_spotting']
