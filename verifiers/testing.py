"""A verifier that misbehaves on command, to test bounded execution (:mod:`rlvr.verifiers.pool`).

:class:`ScriptedVerifier` reads the completion as a command and does exactly that, so tests (and
self-checks of the worker pool) can make a verifier hang, crash, exit or exhaust memory without
defining verifiers that worker processes cannot import. Never use it to score real completions.

Commands: ``ok`` (reward 1), ``wrong`` (reward 0, status ok), ``sleep:<seconds>`` (then ok),
``spin`` (busy loop forever), ``raise`` (``RuntimeError("boom")``), ``exit`` (``sys.exit(3)``),
``os_exit`` (``os._exit(7)``: the process dies), ``memory`` (allocate until ``MemoryError``),
``bad_return`` (return a string, not a Verdict), ``ignore_sigterm`` (ignore SIGTERM, then spin).
Anything else is an ``error`` verdict.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from typing import ClassVar

from rlvr.types import Task, Verdict
from rlvr.verifiers.base import BaseVerifier

_CHUNK = 100 * 1024**2


def _spin() -> None:
    n = 0
    while True:
        n += 1


class ScriptedVerifier(BaseVerifier):
    """Does what the completion says (see the module docstring); the task is ignored."""

    name: ClassVar[str] = "scripted"
    version: ClassVar[str] = "1"
    kind: ClassVar[str] = "rule"
    timeout = 2.0

    def check(self, task: Task, completion: str) -> Verdict:
        command, _, arg = completion.strip().partition(":")
        if command == "ok":
            return Verdict(reward=1.0, correct=True, feedback="ok")
        if command == "wrong":
            return Verdict.failure("ok", "wrong")
        if command == "sleep":
            time.sleep(float(arg))
            return Verdict(reward=1.0, correct=True, feedback=f"slept {arg} s")
        if command == "spin":
            _spin()
        if command == "raise":
            raise RuntimeError("boom")
        if command == "exit":
            sys.exit(3)
        if command == "os_exit":
            os._exit(7)
        if command == "memory":
            hoard = []
            while True:
                hoard.append(bytearray(_CHUNK))
        if command == "bad_return":
            return "not a verdict"  # type: ignore[return-value]
        if command == "ignore_sigterm":
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            _spin()
        return Verdict.failure("error", f"unknown command {completion[:50]!r}")
