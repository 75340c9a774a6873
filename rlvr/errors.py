"""Errors rlvr raises. Each says what was wrong and, where it can, how to fix it."""

from __future__ import annotations


class RlvrError(Exception):
    """Base class of every error rlvr raises on purpose."""


class InvalidEnvId(RlvrError, ValueError):
    """An id that does not follow ``domain/name-vN``."""


class NotFound(RlvrError, KeyError):
    """Base of the "no such name" errors; prints its message unquoted (unlike ``KeyError``)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class EnvNotFound(NotFound):
    """No environment is registered under this id."""


class VerifierNotFound(NotFound):
    """No verifier is registered under this name."""


class VersionNotFound(EnvNotFound):
    """The environment exists, but not at this version."""


class SuiteNotFound(NotFound):
    """No suite is registered under this name and no such YAML file exists."""


class DependencyNotInstalled(RlvrError, ImportError):
    """An optional dependency an environment needs is missing; the message names the install."""


class DatasetFormatError(RlvrError, ValueError):
    """A task file is malformed; the message names the file and the line."""


class EnvCheckError(RlvrError, AssertionError):
    """``rlvr check`` found an environment that breaks the contract."""


class ResetNeeded(RlvrError, RuntimeError):
    """``step`` was called before ``reset`` or after the episode ended."""

    @classmethod
    def check(cls, started: bool, ended: bool) -> None:
        """Raise unless an episode has started and not yet ended."""
        if not started:
            raise cls("step() was called before reset()")
        if ended:
            raise cls("this episode has ended: call reset() before step()")
