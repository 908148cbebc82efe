from .tracking import running_sibatracc, sibatracc, sibatracc_errors, tracking_prf

__all__ = ['sibatracc_errors', 'sibatracc', 'running_sibatracc', 'tracking_prf']
