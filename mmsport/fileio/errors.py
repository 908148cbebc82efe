"""Errors raised by the format readers; each message names the file (and line)."""


class BallDataError(ValueError):
    """Bad ball-tracking input (layout, labels, frames, predictions)."""
