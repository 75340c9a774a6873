"""Bounded execution: verify untrusted completions in killable worker processes.

Each item gets a hard wall-clock limit. A worker that runs past it is killed (``SIGKILL``, with
its whole process group) and replaced, and the item gets a ``timeout`` verdict; a worker that dies
gets an ``error`` verdict; an exception inside a verifier becomes an ``error`` verdict with the
exception's text. Whatever the input, :meth:`VerifierPool.run` returns within about
(items / workers + 1) x timeout seconds plus worker start-up, and never raises because of what a
verifier did.

Workers are fresh interpreters (``python -m rlvr.verifiers.worker``), started lazily and reused:
never forked from the caller (which may hold threads), and never importing the caller's
``__main__`` (so scripts need no ``if __name__ == "__main__"`` guard). They inherit ``sys.path``,
so a verifier importable by the caller is importable by them. Each worker caps its own address
space (``memory_limit_bytes``), so a memory bomb ends as a ``MemoryError`` inside the worker.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from rlvr.types import Task, Verdict
from rlvr.verifiers.base import Verifier
from rlvr.verifiers.worker import READY

DEFAULT_MEMORY_LIMIT = 4 * 1024**3
STARTUP_TIMEOUT = 60.0
"""Seconds a new worker may take to start; an item's own limit starts once its worker is up."""


@dataclass(frozen=True)
class Job:
    """One verification to run: which verifier, which task, which completion."""

    verifier: Verifier
    task: Task
    completion: str


@dataclass
class _InFlight:
    """An item handed to a worker: which item, until when, and whether the worker is starting."""

    worker: _Worker
    index: int
    deadline: float
    starting: bool

    def overran(self, timeout: float) -> Verdict:
        if self.starting:
            return Verdict.failure(
                "error", f"the verifier process did not start within {STARTUP_TIMEOUT:g} s"
            )
        return Verdict.failure(
            "timeout", f"verification took longer than {timeout:g} s and was stopped"
        )


class _Worker:
    """One worker interpreter and the parent's end of its connection."""

    def __init__(self, memory_limit: int | None) -> None:
        parent, child = socket.socketpair()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        env.pop("RLVR_EXECUTOR", None)  # a verifier nested in a worker verifies locally
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "rlvr.verifiers.worker",
                str(child.fileno()),
                str(memory_limit or 0),
            ],
            pass_fds=(child.fileno(),),
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
        child.close()
        self.conn = Connection(parent.detach())

    @property
    def exitcode(self) -> int | None:
        return self.process.poll()

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send_bytes(b"")
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=1)
        self.kill()


class VerifierPool:
    """A small pool of worker processes that run verifications with a hard per-item time limit.

    Thread-safe: concurrent calls to :meth:`run` take turns.
    """

    def __init__(
        self,
        workers: int | None = None,
        *,
        memory_limit_bytes: int | None = DEFAULT_MEMORY_LIMIT,
    ) -> None:
        self.max_workers = workers or max(1, min(4, os.cpu_count() or 1))
        self.memory_limit_bytes = memory_limit_bytes
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False

    def run(self, jobs: Sequence[Job], timeout: float) -> list[Verdict]:
        """Run every job with at most ``timeout`` seconds each; verdicts come back in order."""
        _check_timeout(timeout)
        return self.run_pickled([self._pickle(job) for job in jobs], timeout)

    def run_pickled(self, payloads: Sequence[bytes], timeout: float) -> list[Verdict]:
        """Like :meth:`run`, for jobs already pickled (what a remote executor sends)."""
        _check_timeout(timeout)
        payloads = list(payloads)
        with self._lock:
            if self._closed:
                raise RuntimeError("this VerifierPool is closed")
            return self._run_locked(payloads, timeout)

    def _run_locked(self, payloads: list[bytes], timeout: float) -> list[Verdict]:
        results: list[Verdict | None] = [None] * len(payloads)
        pending = deque(range(len(payloads)))
        in_flight: dict[Connection, _InFlight] = {}
        try:
            while pending or in_flight:
                while pending and len(in_flight) < self.max_workers:
                    item = self._dispatch(pending.popleft(), payloads, timeout)
                    in_flight[item.worker.conn] = item
                next_deadline = min(item.deadline for item in in_flight.values())
                for conn in wait(list(in_flight), max(0.0, next_deadline - time.monotonic())):
                    item = in_flight.pop(conn)  # type: ignore[call-overload]
                    if item.starting:
                        failure = self._started(item, timeout)
                        if failure is None:
                            in_flight[conn] = item  # type: ignore[index]
                        else:
                            results[item.index] = failure
                    else:
                        results[item.index] = self._receive(item.worker)
                now = time.monotonic()
                for conn, item in list(in_flight.items()):
                    if now >= item.deadline:
                        del in_flight[conn]
                        item.worker.kill()
                        results[item.index] = item.overran(timeout)
        except BaseException:  # e.g. KeyboardInterrupt: never leave a worker running an item
            for item in in_flight.values():
                item.worker.kill()
            raise
        return results  # type: ignore[return-value]

    def _dispatch(self, index: int, payloads: list[bytes], timeout: float) -> _InFlight:
        """Send item ``index`` to an idle worker, or to a new one (whose clock starts when up)."""
        while self._idle:
            worker = self._idle.pop()
            try:
                worker.conn.send_bytes(payloads[index])
            except OSError:  # it died while idle: try another
                worker.kill()
                continue
            return _InFlight(worker, index, time.monotonic() + timeout, starting=False)
        worker = _Worker(self.memory_limit_bytes)
        with contextlib.suppress(OSError):  # a worker that died at once is noticed by _started
            worker.conn.send_bytes(payloads[index])
        return _InFlight(worker, index, time.monotonic() + STARTUP_TIMEOUT, starting=True)

    @staticmethod
    def _started(item: _InFlight, timeout: float) -> Verdict | None:
        """A new worker has started and loaded its item: the item's own clock starts now."""
        try:
            hello = item.worker.conn.recv_bytes()
            if hello != READY:
                raise OSError(f"unexpected greeting {hello[:40]!r}")
        except (EOFError, OSError) as exc:
            item.worker.kill()
            return Verdict.failure(
                "error",
                f"the verifier process failed to start ({exc or 'it exited'}, "
                f"exit code {item.worker.exitcode})",
            )
        item.starting, item.deadline = False, time.monotonic() + timeout
        return None

    def _receive(self, worker: _Worker) -> Verdict:
        try:
            reply = worker.conn.recv()
        except (EOFError, OSError):
            worker.kill()
            return Verdict.failure(
                "error", f"the verifier process died (exit code {worker.exitcode})"
            )
        self._idle.append(worker)
        if isinstance(reply, Verdict):
            return reply
        return Verdict.failure("error", f"the verifier raised {reply}")

    @staticmethod
    def _pickle(job: Job) -> bytes:
        try:
            return pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            raise TypeError(
                f"verifier {job.verifier!r} cannot be sent to a worker process ({exc}); make it "
                "picklable (define it at module level) or verify with bounded=False"
            ) from exc

    def close(self) -> None:
        """Stop every worker. The pool cannot be used afterwards."""
        with self._lock:
            self._closed = True
            workers, self._idle = self._idle, []
        for worker in workers:
            worker.stop()

    def __enter__(self) -> VerifierPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_timeout(timeout: float) -> None:
    if not 0 < timeout < float("inf"):  # NaN fails too: it would never time out
        raise ValueError(f"timeout must be a finite number > 0 seconds, got {timeout}")


_default_pool: VerifierPool | None = None
_default_lock = threading.Lock()


def default_pool() -> VerifierPool:
    """The process-wide pool, started on first use and closed at interpreter exit."""
    global _default_pool
    with _default_lock:
        if _default_pool is None or _default_pool._closed:
            _default_pool = VerifierPool()
            atexit.register(_default_pool.close)
        return _default_pool
