"""Bounded execution: misbehaving verifiers end as timeout/error verdicts, never hang the caller.

The misbehaviours come from :class:`rlvr.verifiers.testing.ScriptedVerifier` (a real module,
because worker processes cannot import test modules). Timings are measured on warm workers: a new
worker's start-up is not part of an item's time limit.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import rlvr.verifiers
from rlvr.errors import VerifierNotFound
from rlvr.types import Task, Verdict
from rlvr.verifiers import pool as pool_module
from rlvr.verifiers.bounded import BoundedVerifier
from rlvr.verifiers.exact import ExactVerifier
from rlvr.verifiers.pool import Job, VerifierPool
from rlvr.verifiers.testing import ScriptedVerifier

TASK = Task(id="t/1", prompt="Do as you are told.", answer="42")
TIMEOUT = 0.5
SLACK = 2.0
MEMORY_LIMIT = 512 * 1024**2
SCRIPTED = ScriptedVerifier()

# (command, expected status, text the feedback must contain)
MISBEHAVIOURS = [
    ("spin", "timeout", "took longer than"),
    ("sleep:10", "timeout", "took longer than"),
    ("ignore_sigterm", "timeout", "took longer than"),
    ("raise", "error", "boom"),
    ("exit", "error", "SystemExit"),
    ("os_exit", "error", "exit code 7"),
    ("bad_return", "error", "not a Verdict"),
]


class _Recorder:
    """Every worker process the pool starts, so tests can check that none is left running."""

    def __init__(self) -> None:
        self.workers: list[pool_module._Worker] = []

    def alive(self, since: int = 0) -> list[int]:
        """Pids of the workers started since the ``since``-th that are still running."""
        pids = []
        for worker in self.workers[since:]:
            try:
                os.kill(worker.process.pid, 0)
            except ProcessLookupError:
                continue
            pids.append(worker.process.pid)
        return pids


@pytest.fixture(scope="module")
def recorder() -> Iterator[_Recorder]:
    rec = _Recorder()
    original = pool_module._Worker

    class RecordingWorker(original):  # type: ignore[valid-type, misc]
        def __init__(self, memory_limit: int | None) -> None:
            super().__init__(memory_limit)
            rec.workers.append(self)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pool_module, "_Worker", RecordingWorker)
        yield rec


@pytest.fixture(scope="module")
def pool(recorder: _Recorder) -> Iterator[VerifierPool]:
    """One pool shared by the module's tests (worker start-up is the slow part)."""
    shared = VerifierPool(workers=2, memory_limit_bytes=MEMORY_LIMIT)
    yield shared
    shared.close()
    if pool_module._default_pool is not None:  # started by the rlvr.verifiers.get tests
        pool_module._default_pool.close()
    assert recorder.alive() == [], "worker processes outlived pool.close()"


def warm(pool: VerifierPool, n: int = 1) -> None:
    """Make sure ``n`` workers are started and idle, so timings exclude start-up."""
    verdicts = pool.run([Job(SCRIPTED, TASK, "ok")] * n, 30.0)
    assert [v.status for v in verdicts] == ["ok"] * n


def assert_ok(verdict: Verdict) -> None:
    assert (verdict.status, verdict.reward, verdict.correct) == ("ok", 1.0, True), verdict


def assert_failure(verdict: Verdict, status: str, text: str) -> None:
    assert verdict.status == status, verdict
    assert verdict.reward == 0.0 and not verdict.correct
    assert text in verdict.feedback, verdict.feedback


# -- each misbehaviour, two ways in ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "status", "text"), MISBEHAVIOURS, ids=[m[0] for m in MISBEHAVIOURS]
)
def test_misbehaviour_through_pool(
    pool: VerifierPool, command: str, status: str, text: str
) -> None:
    warm(pool)
    start = time.monotonic()
    [verdict] = pool.run([Job(SCRIPTED, TASK, command)], TIMEOUT)
    elapsed = time.monotonic() - start
    assert_failure(verdict, status, text)
    assert elapsed < TIMEOUT + SLACK
    if status == "timeout":
        assert elapsed >= TIMEOUT * 0.9
    [after] = pool.run([Job(SCRIPTED, TASK, "ok")], 30.0)  # a replacement worker if needed
    assert_ok(after)


@pytest.mark.parametrize(
    ("command", "status", "text"), MISBEHAVIOURS, ids=[m[0] for m in MISBEHAVIOURS]
)
def test_misbehaviour_through_bounded_verifier(
    pool: VerifierPool, command: str, status: str, text: str
) -> None:
    bounded = BoundedVerifier(SCRIPTED, timeout=TIMEOUT, pool=pool)
    warm(pool)
    start = time.monotonic()
    verdict = bounded.verify(TASK, command)
    elapsed = time.monotonic() - start
    assert_failure(verdict, status, text)
    assert elapsed < TIMEOUT + SLACK
    pool.run([Job(SCRIPTED, TASK, "ok")], 30.0)  # let a replacement start outside the clock
    assert_ok(bounded.verify(TASK, "ok"))
    assert bounded.verify(TASK, "wrong").status == "ok"


def test_memory_bomb_is_a_memory_error(pool: VerifierPool) -> None:
    bounded = BoundedVerifier(SCRIPTED, timeout=10.0, pool=pool)
    warm(pool)
    start = time.monotonic()
    verdict = bounded.verify(TASK, "memory")
    assert time.monotonic() - start < 10.0
    assert_failure(verdict, "error", "MemoryError")
    assert_ok(bounded.verify(TASK, "ok"))  # the worker freed its memory and lives on


def test_new_worker_start_up_is_not_part_of_the_time_limit(
    recorder: _Recorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Workers inherit sys.path; this sitecustomize makes each one take >= 1 s to start, longer
    # than the items' 0.5 s limit. Correct items must still be judged ok, not timed out.
    (tmp_path / "sitecustomize.py").write_text("import time\ntime.sleep(1.0)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    before = len(recorder.workers)
    with VerifierPool(workers=2, memory_limit_bytes=MEMORY_LIMIT) as cold:
        bounded = BoundedVerifier(SCRIPTED, timeout=TIMEOUT, pool=cold)
        start = time.monotonic()
        verdicts = bounded.verify_many([TASK] * 3, ["ok", "wrong", "ok"])
        assert time.monotonic() - start >= 1.0  # the slow start-up did happen
        assert [(v.status, v.reward) for v in verdicts] == [("ok", 1.0), ("ok", 0.0), ("ok", 1.0)]
        # ...while a real overrun on a new worker still times out after the item's own limit
        cold.run([Job(SCRIPTED, TASK, "os_exit")] * 2, TIMEOUT)  # both workers gone
        [spun] = cold.run([Job(SCRIPTED, TASK, "spin")], TIMEOUT)
        assert spun.status == "timeout"
    assert len(recorder.workers) > before
    assert recorder.alive(before) == []


# -- batches and parallelism ----------------------------------------------------------------------


def test_mixed_batch_keeps_order_and_finishes_in_time(pool: VerifierPool) -> None:
    bounded = BoundedVerifier(SCRIPTED, timeout=TIMEOUT, pool=pool)
    warm(pool, 2)
    start = time.monotonic()
    verdicts = bounded.verify_many([TASK] * 5, ["ok", "spin", "raise", "wrong", "ok"])
    elapsed = time.monotonic() - start
    assert [v.status for v in verdicts] == ["ok", "timeout", "error", "ok", "ok"]
    assert [v.reward for v in verdicts] == [1.0, 0.0, 0.0, 0.0, 1.0]
    assert "boom" in verdicts[2].feedback
    assert elapsed < 2 * TIMEOUT + SLACK


def test_two_workers_run_in_parallel(pool: VerifierPool) -> None:
    warm(pool, 2)
    start = time.monotonic()
    verdicts = pool.run([Job(SCRIPTED, TASK, "sleep:0.5")] * 4, 5.0)
    elapsed = time.monotonic() - start
    assert all(v.status == "ok" and v.reward == 1.0 for v in verdicts)
    assert 0.9 < elapsed < 1.6


def test_empty_batch(pool: VerifierPool) -> None:
    assert pool.run([], TIMEOUT) == []
    assert BoundedVerifier(SCRIPTED, pool=pool).verify_many([], []) == []


def test_concurrent_callers_get_their_own_verdicts(pool: VerifierPool) -> None:
    bounded = BoundedVerifier(SCRIPTED, timeout=5.0, pool=pool)
    warm(pool, 2)
    results: dict[int, list[float]] = {}

    def call(i: int) -> None:
        commands = ["ok", "wrong"] if i % 2 else ["wrong", "ok", "ok"]
        results[i] = [v.reward for v in bounded.verify_many([TASK] * len(commands), commands)]

    threads = [threading.Thread(target=call, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results == {0: [0.0, 1.0, 1.0], 1: [1.0, 0.0], 2: [0.0, 1.0, 1.0], 3: [1.0, 0.0]}


# -- process hygiene ------------------------------------------------------------------------------


def test_close_leaves_no_worker_running(recorder: _Recorder) -> None:
    before = len(recorder.workers)
    small = VerifierPool(workers=2, memory_limit_bytes=MEMORY_LIMIT)
    verdicts = small.run([Job(SCRIPTED, TASK, c) for c in ("ok", "os_exit", "ok", "spin")], 1.0)
    assert [v.status for v in verdicts] == ["ok", "error", "ok", "timeout"]
    assert small.run([Job(SCRIPTED, TASK, "ok")] * 2, 30.0)[1].status == "ok"
    started = recorder.workers[before:]
    assert len(started) >= 3
    small.close()
    assert recorder.alive(before) == []
    with pytest.raises(RuntimeError, match="closed"):
        small.run([Job(SCRIPTED, TASK, "ok")], 1.0)


class _Interrupted(Exception):
    pass


def test_interrupted_run_kills_its_workers(recorder: _Recorder) -> None:
    # An exception in the caller (e.g. KeyboardInterrupt) while items run must not leave them
    # running: a SIGTERM-proof spinner would otherwise burn a CPU forever.
    def interrupt(signum: int, frame: object) -> None:
        raise _Interrupted

    first = len(recorder.workers)
    with VerifierPool(workers=2, memory_limit_bytes=MEMORY_LIMIT) as small:
        warm(small, 2)
        before = len(recorder.workers)
        previous = signal.signal(signal.SIGALRM, interrupt)
        try:
            signal.setitimer(signal.ITIMER_REAL, 0.3)
            with pytest.raises(_Interrupted):
                small.run([Job(SCRIPTED, TASK, "ignore_sigterm"), Job(SCRIPTED, TASK, "spin")], 20)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        assert recorder.alive(first) == []  # both were killed before the exception propagated
        assert len(recorder.workers) == before
        assert_ok(small.run([Job(SCRIPTED, TASK, "ok")], 30.0)[0])  # the pool still works
    assert recorder.alive(first) == []


# -- argument checks ------------------------------------------------------------------------------


@pytest.mark.parametrize("timeout", [0, -1, 0.0, float("nan"), float("inf")])
def test_invalid_timeout(pool: VerifierPool, timeout: float) -> None:
    with pytest.raises(ValueError, match="timeout"):
        BoundedVerifier(SCRIPTED, timeout=timeout, pool=pool)
    with pytest.raises(ValueError, match="timeout"):
        pool.run([Job(SCRIPTED, TASK, "ok")], timeout)


def test_mismatched_lengths(pool: VerifierPool) -> None:
    with pytest.raises(ValueError, match="2 tasks but 1 completions"):
        BoundedVerifier(SCRIPTED, pool=pool).verify_many([TASK, TASK], ["ok"])


@pytest.mark.parametrize("completion", [None, b"ok", 42, ["ok"]])
def test_non_str_completion(pool: VerifierPool, completion: object) -> None:
    with pytest.raises(TypeError, match="must be a str"):
        BoundedVerifier(SCRIPTED, pool=pool).verify(TASK, completion)  # type: ignore[arg-type]


class _HoldsLambda(ScriptedVerifier):
    def __init__(self) -> None:
        self.hook = lambda text: text


def test_unpicklable_verifier(pool: VerifierPool) -> None:
    with pytest.raises(TypeError, match="picklable"):
        BoundedVerifier(_HoldsLambda(), pool=pool).verify(TASK, "ok")
    with pytest.raises(TypeError, match="picklable"):
        pool.run([Job(_HoldsLambda(), TASK, "ok")], 1.0)


def test_default_timeout_is_the_inner_verifiers() -> None:
    assert BoundedVerifier(SCRIPTED).timeout == 2.0
    assert BoundedVerifier(ExactVerifier()).timeout == 1.0
    assert BoundedVerifier(SCRIPTED, timeout=3).timeout == 3.0


# -- rlvr.verifiers.get ---------------------------------------------------------------------------


def test_get_returns_a_bounded_verifier() -> None:
    verifier = rlvr.verifiers.get("exact")
    assert isinstance(verifier, BoundedVerifier)
    assert isinstance(verifier.inner, ExactVerifier)
    assert (verifier.name, verifier.version) == ("exact", "1")
    assert verifier.timeout == ExactVerifier.timeout
    right = verifier.verify(TASK, "So the answer is \\boxed{42}.")
    assert (right.status, right.reward, right.correct, right.answer) == ("ok", 1.0, True, "42")
    wrong = verifier.verify(TASK, "\\boxed{41}")
    assert (wrong.status, wrong.reward) == ("ok", 0.0)
    assert verifier.reference_completion(TASK) == ExactVerifier().reference_completion(TASK)
    assert rlvr.verifiers.get("exact", timeout=5).timeout == 5.0


def test_get_unbounded_returns_the_bare_verifier() -> None:
    verifier = rlvr.verifiers.get("exact", bounded=False)
    assert type(verifier) is ExactVerifier
    assert verifier.verify(TASK, "\\boxed{42}").reward == 1.0


def test_get_unknown_name_suggests_a_close_one() -> None:
    with pytest.raises(VerifierNotFound, match="Did you mean 'exact'") as info:
        rlvr.verifiers.get("exakt")
    assert "exakt" in str(info.value)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_workers_exit_when_their_parent_is_killed() -> None:
    import subprocess
    import sys

    # The parent prints its worker's pid, then is SIGKILLed while the worker spins on an item.
    code = """
import threading, time
from rlvr.types import Task
from rlvr.verifiers import pool as pool_module
from rlvr.verifiers.testing import ScriptedVerifier

started = []
original_init = pool_module._Worker.__init__
def recording_init(self, *args):
    original_init(self, *args)
    started.append(self.process.pid)
pool_module._Worker.__init__ = recording_init

pool = pool_module.VerifierPool(workers=1)
job = pool_module.Job(ScriptedVerifier(), Task(id="t", prompt="p"), "spin")
threading.Thread(target=pool.run, args=([job], 600.0), daemon=True).start()
while not started:
    time.sleep(0.01)
print(started[0], flush=True)
time.sleep(600)
"""
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    worker_pid = int(parent.stdout.readline())
    time.sleep(1.0)  # let the worker start spinning on its item
    assert _alive(worker_pid)
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 5
    while _alive(worker_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(worker_pid), "the worker outlived its parent"
