"""Synthetic data generators (one module a dataset), importable by tests and tools."""
