"""The ``rlvr`` command line: list, show, sample, check and suites."""

from rlvr.cli.main import main

__all__ = ["main"]
