"""The sandbox's client side: a pool of fork servers and the requests sent to them."""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from rlvr.verifiers.sandbox import isolation
from rlvr.verifiers.sandbox.frames import FrameError, pack, read_frame

Mode = Literal["function", "program", "test_code"]
SERVER_GRACE_SECONDS = 10.0
"""How much longer than a run's own limit the client waits for its server before replacing it."""
MAX_REPLY_BYTES = 256 * 1024 * 1024
"""Largest reply read from a server: its result frames (16 MiB as the run wrote them, which
re-encoding enlarges a few times at most) and two output tails of up to 16 MiB each fit."""


class SandboxLimits(BaseModel):
    """Limits on one sandboxed run (every process in it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    timeout: float = Field(10.0, gt=0, le=600, description="Wall-clock seconds for the whole run.")
    test_timeout: float = Field(
        2.0,
        gt=0,
        le=600,
        description="Seconds for one test (one call or one program run); the first test that "
        "runs out of time ends the run.",
    )
    cpu_seconds: int = Field(10, ge=1, le=3600, description="CPU seconds per process.")
    memory_mb: int = Field(1024, ge=64, le=65536, description="Address space per process, MiB.")
    file_size_mb: int = Field(16, ge=1, le=4096, description="Largest file a run may write, MiB.")
    open_files: int = Field(64, ge=16, le=4096, description="Open file descriptors per process.")
    processes: int = Field(32, ge=2, le=4096, description="Processes (and threads) per run.")
    output_bytes: int = Field(
        65536, ge=1024, le=16 * 1024 * 1024, description="Captured stdout/stderr per test or run."
    )

    def os_limits(self) -> dict[str, int]:
        return {
            "cpu_seconds": self.cpu_seconds,
            "memory_mb": self.memory_mb,
            "file_size_mb": self.file_size_mb,
            "open_files": self.open_files,
            "processes": self.processes,
        }


class RunRequest(BaseModel):
    """What to run: the candidate's code and the test inputs (never the expected outputs)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mode: Mode
    code: str
    entry_point: str | None = None
    inputs: list[Any] = Field(default_factory=list)
    """Argument lists (function mode) or stdin texts (program mode)."""
    preamble: str = ""
    test_code: str | None = None
    count_asserts: bool = False
    """test_code mode: report every assert of ``check`` on its own (for graded rewards)."""


class RunResult(BaseModel):
    """What came back: one entry per test that finished, in order, and how the run ended.

    ``status``: ``ok`` (the run ended by itself), ``timeout`` (killed at the wall limit),
    ``error`` (the sandbox could not run it). ``load_error`` is set when the code itself failed
    to load (a syntax error, a missing entry point, an exception at import).
    """

    status: Literal["ok", "timeout", "error"]
    tests: list[dict[str, Any]] = Field(default_factory=list)
    load_error: str | None = None
    message: str = ""
    stdout: str = ""
    stderr: str = ""
    seconds: float = 0.0


class _Server:
    """One fork server process (a slot with its own uids)."""

    def __init__(self, slot: int, mode: isolation.Isolation) -> None:
        self.slot, self.mode = slot, mode
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "rlvr.verifiers.sandbox.server",
                "--slot",
                str(slot),
                "--isolation",
                mode,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            start_new_session=True,
        )
        hello = read_frame(self.process.stdout)
        if not hello or not hello.get("ready"):
            self.close()
            raise RuntimeError(
                f"the sandbox server (isolation {mode!r}) did not start: "
                f"{(hello or {}).get('message', 'it exited')}"
            )

    def run(self, message: dict, timeout: float) -> dict:
        self.process.stdin.write(pack(message))
        self.process.stdin.flush()
        timer = threading.Timer(timeout + SERVER_GRACE_SECONDS, self.process.kill)
        timer.start()
        try:
            reply = read_frame(self.process.stdout, MAX_REPLY_BYTES)
        finally:
            timer.cancel()
        if reply is None:
            raise FrameError("the sandbox server exited")
        return reply

    def close(self) -> None:
        """Stop the server: closing its stdin ends it between runs; a kill covers the rest."""
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Sandbox:
    """Runs untrusted code under :class:`SandboxLimits`, ``workers`` runs at a time.

    ``isolation="auto"`` takes the strongest level the machine allows
    (:func:`rlvr.verifiers.sandbox.isolation.available`). Servers start on first use and are
    replaced when one dies; :meth:`close` (or interpreter exit) stops them.
    """

    def __init__(
        self,
        workers: int | None = None,
        limits: SandboxLimits | None = None,
        isolation_level: isolation.Isolation | Literal["auto"] = "auto",
    ) -> None:
        if not sys.platform.startswith("linux"):
            raise RuntimeError(
                f"the code sandbox runs on Linux only (this is {sys.platform}): see "
                "docs/security.md"
            )
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.limits = limits or SandboxLimits()
        self._isolation = isolation_level
        self._idle: queue.Queue[_Server] = queue.Queue()
        self._started = 0
        self._lock = threading.Lock()
        self._servers: list[_Server] = []
        atexit.register(self.close)

    @property
    def isolation(self) -> isolation.Isolation:
        if self._isolation == "auto":
            self._isolation = isolation.available()
        return self._isolation

    def run(self, request: RunRequest, limits: SandboxLimits | None = None) -> RunResult:
        limits = limits or self.limits
        message = {
            **request.model_dump(),
            "timeout": limits.timeout,
            "test_timeout": limits.test_timeout,
            "output_bytes": limits.output_bytes,
            "limits": limits.os_limits(),
        }
        server = self._take()
        try:
            reply = server.run(message, limits.timeout)
        except (OSError, FrameError, ValueError) as error:
            self._discard(server)
            return RunResult(status="error", message=f"sandbox server failed: {error}")
        self._idle.put(server)
        return _result(reply)

    def run_many(
        self, requests: Sequence[RunRequest], limits: SandboxLimits | None = None
    ) -> list[RunResult]:
        """Run every request, ``workers`` at a time; results in the order of ``requests``."""
        if len(requests) <= 1:
            return [self.run(r, limits) for r in requests]
        with ThreadPoolExecutor(min(self.workers, len(requests))) as executor:
            return list(executor.map(lambda r: self.run(r, limits), requests))

    def _take(self) -> _Server:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self._started < self.workers:
                slot = _new_slot()
                self._started += 1
                server = _Server(slot, self.isolation)
                self._servers.append(server)
                return server
        return self._idle.get()

    def _discard(self, server: _Server) -> None:
        server.close()
        replacement = _Server(server.slot, server.mode)
        with self._lock:
            self._servers = [s for s in self._servers if s is not server] + [replacement]
        self._idle.put(replacement)

    def close(self) -> None:
        with self._lock:
            servers, self._servers, self._started = self._servers, [], 0
            self._idle = queue.Queue()
        for server in servers:
            server.close()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _result(reply: dict) -> RunResult:
    """The run's result from the server's reply. Only the server decides that a run is an
    ``error`` (its setup pipe, see :mod:`rlvr.verifiers.sandbox.server`): frames are the
    candidate's word and never change the status."""
    frames = [f for f in reply.get("frames", []) if isinstance(f, dict)]
    load_error = next((str(f["load_error"]) for f in frames if "load_error" in f), None)
    return RunResult(
        status=reply.get("status", "error"),
        tests=[f for f in frames if "i" in f],
        load_error=load_error,
        message=reply.get("message", ""),
        stdout=reply.get("stdout", ""),
        stderr=reply.get("stderr", ""),
        seconds=reply.get("seconds", 0.0),
    )


_slots = itertools.count()
_slots_lock = threading.Lock()


def _new_slot() -> int:
    """A slot (pair of uids) that no other server of this process uses, and that servers of
    other processes use only if their PIDs agree modulo 1000 and they start 100 servers."""
    with _slots_lock:
        return (os.getpid() % 1000) * 100 + next(_slots) % 100


_default: Sandbox | None = None


def default_sandbox() -> Sandbox:
    """The process-wide sandbox (one server per core), started on first use."""
    global _default
    if _default is None:
        _default = Sandbox()
    return _default
