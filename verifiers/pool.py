"""Bounded execution: verify untrusted completions in killable worker processes.

Each item gets a hard wall-clock limit. A worker that runs past it is killed (``SIGKILL``) and
replaced, and the item gets a ``timeout`` verdict; a worker that dies gets an ``error`` verdict; an
exception inside a verifier becomes an ``error`` verdict with the exception's text. Whatever the
input, :meth:`VerifierPool.run` returns within (number of items / workers + 1) x timeout seconds
plus process start-up, and never raises because of what a verifier did.

Workers are started lazily with the ``forkserver`` method (``spawn`` where that is missing), so a
parent holding threads (tokenizers, torch) is never forked. Each worker caps its own address space
(``memory_limit_bytes``) so a memory bomb ends as a ``MemoryError`` inside the worker.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import os
import pickle
import threading
import time
import traceback
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from rlvr.types import Task, Verdict
from rlvr.verifiers.base import Verifier

DEFAULT_MEMORY_LIMIT = 4 * 1024**3
_PRELOAD = ["rlvr.types", "rlvr.verifiers.base", "rlvr.verifiers.exact"]


@dataclass(frozen=True)
class Job:
    """One verification to run: which verifier, which task, which completion."""

    verifier: Verifier
    task: Task
    completion: str


def _limit_memory(limit: int | None) -> None:
    if limit is None:
        return
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # not on this platform: run without the cap
        pass


def _worker_main(conn: Connection, memory_limit: int | None) -> None:
    """Loop in a worker: receive a pickled job, send back a verdict (or an error description)."""
    _limit_memory(memory_limit)
    while True:
        try:
            payload = conn.recv_bytes()
        except (EOFError, OSError):
            return
        if not payload:
            return
        try:
            job: Job = pickle.loads(payload)
            verdict = job.verifier.verify(job.task, job.completion)
            if not isinstance(verdict, Verdict):
                raise TypeError(f"verify returned {type(verdict).__name__}, not a Verdict")
            reply: object = verdict
        except BaseException as exc:  # a verifier must never take the worker down
            reply = _describe(exc)
        try:
            conn.send(reply)
        except Exception as exc:  # e.g. an unpicklable verdict
            conn.send(_describe(exc))


def _describe(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    text = f"{type(exc).__name__}: {exc}"
    return (text[:500] + " …") if len(text) > 500 else text + where


class _Worker:
    def __init__(self, ctx: multiprocessing.context.BaseContext, memory_limit: int | None):
        parent, child = ctx.Pipe(duplex=True)
        self.conn = parent
        self.process = ctx.Process(
            target=_worker_main, args=(child, memory_limit), name="rlvr-verifier", daemon=True
        )
        self.process.start()
        child.close()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send_bytes(b"")
        self.process.join(timeout=1)
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
        start_method: str | None = None,
    ) -> None:
        self.max_workers = workers or max(1, min(4, os.cpu_count() or 1))
        self.memory_limit_bytes = memory_limit_bytes
        methods = multiprocessing.get_all_start_methods()
        method = start_method or ("forkserver" if "forkserver" in methods else "spawn")
        self._ctx = multiprocessing.get_context(method)
        if method == "forkserver":
            self._ctx.set_forkserver_preload(_PRELOAD)
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False

    def run(self, jobs: Sequence[Job], timeout: float) -> list[Verdict]:
        """Run every job with at most ``timeout`` seconds each; verdicts come back in order."""
        if not 0 < timeout < float("inf"):  # NaN fails too: it would never time out
            raise ValueError(f"timeout must be a finite number > 0 seconds, got {timeout}")
        payloads = [self._pickle(job) for job in jobs]
        with self._lock:
            if self._closed:
                raise RuntimeError("this VerifierPool is closed")
            return self._run_locked(payloads, timeout)

    def _run_locked(self, payloads: list[bytes], timeout: float) -> list[Verdict]:
        results: list[Verdict | None] = [None] * len(payloads)
        pending = deque(range(len(payloads)))
        busy: dict[Connection, tuple[_Worker, int, float]] = {}
        while pending or busy:
            while pending and len(busy) < self.max_workers:
                index = pending.popleft()
                worker = (
                    self._idle.pop() if self._idle else _Worker(self._ctx, self.memory_limit_bytes)
                )
                try:
                    worker.conn.send_bytes(payloads[index])
                except OSError:  # the idle worker died meanwhile: start another
                    worker.kill()
                    pending.appendleft(index)
                    continue
                busy[worker.conn] = (worker, index, time.monotonic() + timeout)
            next_deadline = min(deadline for _, _, deadline in busy.values())
            for conn in wait(list(busy), timeout=max(0.0, next_deadline - time.monotonic())):
                worker, index, _ = busy.pop(conn)  # type: ignore[index]
                results[index] = self._receive(worker)
            now = time.monotonic()
            for conn, (worker, index, deadline) in list(busy.items()):
                if now >= deadline:
                    del busy[conn]
                    worker.kill()
                    results[index] = Verdict.failure(
                        "timeout", f"verification took longer than {timeout:g} s and was stopped"
                    )
        return results  # type: ignore[return-value]

    def _receive(self, worker: _Worker) -> Verdict:
        try:
            reply = worker.conn.recv()
        except (EOFError, OSError):
            worker.kill()
            code = worker.process.exitcode
            return Verdict.failure("error", f"the verifier process died (exit code {code})")
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
