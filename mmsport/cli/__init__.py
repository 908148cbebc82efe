"""Command lines of mmsport (argument parsing only; the work is done by the library).

Each module has ``main(argv=None) -> int``; the scripts in ``tools/`` are thin shims
that call it. Nothing outside this package parses arguments.
"""
