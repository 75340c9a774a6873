"""The executor interface: where bounded verifications run.

An :class:`Executor` runs a batch of :class:`~rlvr.verifiers.pool.Job` s with a hard time limit
per item and returns one verdict per job, in order, whatever the verifiers do. Two ship with
rlvr: the local :class:`~rlvr.verifiers.pool.VerifierPool` (worker processes on this machine)
and :class:`~rlvr.verifiers.ray_executor.RayExecutor` (the same pools inside Ray actors across
a cluster). :func:`make_executor` builds one from a spec string.

Bounded verifiers (``rlvr.verifiers.get(name)``) run on the process-wide default executor,
:func:`default_executor`: the one given to :func:`set_default_executor`, else the one the
environment variable ``RLVR_EXECUTOR`` names (read on first use: ``local``, ``ray`` or
``ray:ADDRESS``), else the local pool. So ``RLVR_EXECUTOR=ray rlvr eval ...`` verifies through
Ray without code changes.
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from rlvr.types import Verdict
from rlvr.verifiers.pool import Job, VerifierPool, default_pool

ENV_VAR = "RLVR_EXECUTOR"
SPECS = "'local', 'ray' (the current or a new local Ray instance) or 'ray:ADDRESS'"


@runtime_checkable
class Executor(Protocol):
    """Runs verification jobs with a hard per-item time limit.

    ``run`` returns one verdict per job, in order, within bounded time, and never raises because
    of what a verifier did (a hang is a ``timeout`` verdict, a crash an ``error`` verdict).
    """

    def run(self, jobs: Sequence[Job], timeout: float) -> list[Verdict]: ...

    def close(self) -> None: ...


def make_executor(spec: str) -> Executor:
    """The executor ``spec`` names: ``local``, ``ray`` or ``ray:ADDRESS``.

    ``ray`` uses the Ray instance this process is connected to, else the one ``RAY_ADDRESS`` or
    the last ``ray start`` on this machine points to, else starts a local one. ``ray:ADDRESS``
    connects to the cluster at ``ADDRESS`` (e.g. ``ray:10.0.0.1:6379`` or ``ray:auto``).
    """
    kind, sep, address = spec.strip().partition(":")
    if kind == "local" and not sep:
        return VerifierPool()
    if kind == "ray" and (not sep or address):
        from rlvr.verifiers.ray_executor import RayExecutor

        return RayExecutor(address=address or None)
    raise ValueError(f"unknown executor spec {spec!r}: use {SPECS}")


_lock = threading.Lock()
_explicit: Executor | None = None
_from_env: Executor | None = None
_env_read = False


def set_default_executor(executor: Executor | None) -> None:
    """Make ``executor`` the process-wide default; ``None`` restores the default behaviour
    (``RLVR_EXECUTOR``, read again on next use, else the local pool).

    The caller keeps ownership of ``executor`` (this never closes it); an executor built from
    ``RLVR_EXECUTOR`` is closed when it is replaced.
    """
    global _explicit, _from_env, _env_read
    if executor is not None and not isinstance(executor, Executor):
        raise TypeError(
            f"an executor needs run(jobs, timeout) and close(); got {type(executor).__name__}"
        )
    with _lock:
        built, _from_env = _from_env, None
        _explicit, _env_read = executor, False
    if built is not None:
        atexit.unregister(built.close)
        built.close()


def default_executor() -> Executor:
    """The process-wide executor that bounded verifiers use (see the module docstring)."""
    global _from_env, _env_read
    with _lock:
        if _explicit is not None:
            return _explicit
        if not _env_read:
            spec = os.environ.get(ENV_VAR, "").strip() or "local"
            if spec != "local":
                try:
                    _from_env = make_executor(spec)
                except ValueError:
                    raise ValueError(
                        f"{ENV_VAR}={spec!r} is not an executor spec: use {SPECS}"
                    ) from None
                atexit.register(_from_env.close)
            _env_read = True
        if _from_env is not None:
            return _from_env
    return default_pool()
