from .sibatracc_metric import SiBaTrAccMetric

__all__ = ['SiBaTrAccMetric']
