"""The verifier worker process: ``python -m rlvr.verifiers.worker FD MEMORY_LIMIT``.

It reads pickled :class:`~rlvr.verifiers.pool.Job` objects from the connection on file descriptor
``FD`` and answers each with a :class:`rlvr.Verdict` or, when the verifier raised, a one-line
description of the exception. It is started as a fresh interpreter (never forked from the caller,
never importing the caller's ``__main__``), in its own process group so that the pool can kill
it together with anything it started.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
import time
import traceback
from multiprocessing.connection import Connection

from rlvr.types import Verdict

READY = b"ready"
"""Sent once, when the worker has started and loaded its first job."""


def describe(exc: BaseException) -> str:
    """``"TypeName: message at file:line"``, bounded in length."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    text = f"{type(exc).__name__}: {exc}"
    return (text[:500] + " …") if len(text) > 500 else text + where


def limit_memory(limit: int | None) -> None:
    """Cap this process's address space, where the platform allows it."""
    if not limit:
        return
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass


def serve(conn: Connection) -> None:
    """Answer jobs until the connection closes or an empty message arrives.

    After unpickling its first job (which imports the verifier's modules) the worker sends
    ``READY``: the pool starts that item's clock only then, so start-up and imports are never
    charged to a completion.
    """
    greeted = False
    while True:
        try:
            payload = conn.recv_bytes()
        except (EOFError, OSError):
            return
        if not payload:
            return
        try:
            try:
                job = pickle.loads(payload)
            finally:
                if not greeted:
                    conn.send_bytes(READY)
                    greeted = True
            verdict = job.verifier.verify(job.task, job.completion)
            if not isinstance(verdict, Verdict):
                raise TypeError(f"verify returned {type(verdict).__name__}, not a Verdict")
            reply: object = verdict
        except BaseException as exc:  # a verifier must never take the worker down
            reply = describe(exc)
        try:
            conn.send(reply)
        except Exception as exc:  # e.g. an unpicklable verdict
            conn.send(describe(exc))


def exit_with_parent(parent: int, interval: float = 0.5) -> None:
    """Exit at once if the pool's process dies (then nobody would ever stop this worker)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(0)

    threading.Thread(target=watch, name="rlvr-parent-watch", daemon=True).start()


def main(argv: list[str]) -> None:
    fd, memory_limit = int(argv[1]), int(argv[2])
    exit_with_parent(os.getppid())
    limit_memory(memory_limit)
    serve(Connection(fd))


if __name__ == "__main__":
    main(sys.argv)
