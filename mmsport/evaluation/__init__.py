"""Evaluation: ``functional`` (pure numpy math, torch-free), ``metrics`` (mmengine
``BaseMetric`` subclasses, registered when the METRICS registry is first used) and
file-level scoring such as :mod:`.ball_tracking_files`. Import the submodule you need."""
