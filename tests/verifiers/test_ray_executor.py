"""RayExecutor: the local pool's verdicts and guarantees, through Ray actors; executor specs and
the process-wide default executor (``set_default_executor``, ``RLVR_EXECUTOR``)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator

import pytest

pytest.importorskip("ray")

import rlvr.verifiers
from rlvr.errors import DependencyNotInstalled
from rlvr.types import Task, Verdict
from rlvr.verifiers import executor as executor_module
from rlvr.verifiers.bounded import BoundedVerifier
from rlvr.verifiers.executor import (
    default_executor,
    make_executor,
    set_default_executor,
)
from rlvr.verifiers.pool import Job, VerifierPool, default_pool
from rlvr.verifiers.ray_executor import RayExecutor, import_ray
from rlvr.verifiers.testing import ScriptedVerifier

MATH = rlvr.verifiers.get("math", bounded=False)
SCRIPTED = ScriptedVerifier()
TASK = Task(id="t/1", prompt="Do as you are told.", answer="42")
TIMEOUT = 0.5
SLACK = 3.0
HALF_A_CPU = {"num_cpus": 0.5}  # leaves the other CPU of the 2-CPU instance to other executors

# (gold, completion, expected status, expected correct)
MATH_CASES = [
    ("42", "The answer is 42.", "ok", True),
    ("42", r"\boxed{42}", "ok", True),
    ("1/2", r"The answer is $\frac{1}{2}$.", "ok", True),
    ("1/2", r"\boxed{0.5}", "ok", True),
    ("x^2+2x+1", r"\boxed{(x+1)^2}", "ok", True),
    (r"\sqrt{2}", r"\boxed{2^{1/2}}", "ok", True),
    ("42", r"\boxed{41}", "ok", False),
    ("1/2", r"\boxed{2}", "ok", False),
    ("x^2+2x+1", r"\boxed{(x-1)^2}", "ok", False),
    ("42", r"\boxed{1}\boxed{42}", "ok", False),
    ("42", "9" * 5000, "ok", False),
    ("42", "", "no_answer", False),
    ("42", "asdf qwerty", "no_answer", False),
    ("42", r"\boxed{\frac{", "no_answer", False),
    ("42", "\x00\x01" * 50, "no_answer", False),
]


class _SleepWhenLoaded:
    """Unpickles as ``time.sleep(3600)``: the worker never starts its item, so the actor's pool
    waits for it (its start-up limit is 60 s) and only the driver's deadline can end the chunk."""

    def __reduce__(self):
        return (time.sleep, (3600,))


class _KillParentWhenLoaded:
    """Unpickles as code that SIGKILLs the worker's parent: the Ray actor dies mid-chunk."""

    def __reduce__(self):
        return (exec, ("import os, signal; os.kill(os.getppid(), signal.SIGKILL)",))


class _Unpicklable:
    name = "unpicklable"
    version = "1"

    def __init__(self) -> None:
        self.callback = lambda: None

    def verify(self, task: Task, completion: str) -> Verdict:
        return Verdict(reward=1.0, correct=True)


@pytest.fixture(scope="module")
def executor(ray_session) -> Iterator[RayExecutor]:
    with RayExecutor(num_actors=2, chunk_size=4, actor_options=HALF_A_CPU) as ex:
        yield ex


@pytest.fixture
def fresh_default() -> Iterator[None]:
    """Start and end with the default executor unset, whatever the test did."""
    set_default_executor(None)
    yield
    set_default_executor(None)


def test_math_verdicts_through_ray_equal_the_local_pool(executor: RayExecutor) -> None:
    jobs = [
        Job(MATH, Task(id=f"m/{i}", prompt="?", answer=g), c)
        for i, (g, c, _, _) in enumerate(MATH_CASES)
    ]
    with VerifierPool(2) as pool:
        local = pool.run(jobs, 5.0)
    remote = executor.run(jobs, 5.0)  # 15 jobs in chunks of 4 over 2 actors
    assert remote == local
    assert [(v.status, v.correct) for v in remote] == [(s, c) for _, _, s, c in MATH_CASES]
    assert executor.run([], 5.0) == []


def test_misbehaving_verifiers_end_as_verdicts_within_the_bound(executor: RayExecutor) -> None:
    executor.run([Job(SCRIPTED, TASK, "ok")] * 2, TIMEOUT)  # warm both actors' workers
    commands = ["sleep:3600", "spin", "raise", "os_exit", "ok", "wrong"]
    start = time.monotonic()
    verdicts = executor.run([Job(SCRIPTED, TASK, c) for c in commands], TIMEOUT)
    elapsed = time.monotonic() - start
    assert [v.status for v in verdicts] == ["timeout", "timeout", "error", "error", "ok", "ok"]
    assert "took longer than 0.5 s" in verdicts[0].feedback
    assert "RuntimeError: boom" in verdicts[2].feedback
    assert "exit code 7" in verdicts[3].feedback
    assert [v.correct for v in verdicts[4:]] == [True, False]
    # 3 items per actor, one worker each: (3 + 1) x timeout, plus restarting killed workers
    assert elapsed < 4 * TIMEOUT + SLACK


def test_an_unpicklable_verifier_is_a_type_error_naming_it(executor: RayExecutor) -> None:
    with pytest.raises(TypeError, match=r"_Unpicklable.*cannot be sent to a worker process"):
        executor.run([Job(MATH, TASK, "42"), Job(_Unpicklable(), TASK, "42")], TIMEOUT)
    with pytest.raises(ValueError, match="timeout must be a finite number"):
        executor.run([Job(MATH, TASK, "42")], float("nan"))


def test_an_actor_that_hangs_or_dies_is_replaced(ray_session) -> None:
    with RayExecutor(num_actors=1, margin=0.5, actor_options=HALF_A_CPU) as ex:
        warm = ex.run([Job(SCRIPTED, TASK, "os_exit")], TIMEOUT)  # leaves no idle worker
        assert warm[0].status == "error"
        start = time.monotonic()
        hung = ex.run([Job(_SleepWhenLoaded(), TASK, "x")], TIMEOUT)
        elapsed = time.monotonic() - start
        budget = 2 * (TIMEOUT + 1.0) + 0.5  # (1 item / 1 worker + 1) x (timeout + 1 s) + margin
        assert hung[0].status == "timeout"
        node = ray_session.util.get_node_ip_address()  # a local instance: the driver's node
        assert hung[0].feedback == (
            f"the Ray actor 0 (node {node}) verifying this item did not answer within 4 s "
            "and was killed and replaced"
        )
        assert budget <= elapsed < budget + SLACK
        killed = ex.run([Job(_KillParentWhenLoaded(), TASK, "x")], TIMEOUT)
        assert killed[0].status == "error"
        assert "actor 0" in killed[0].feedback and "died" in killed[0].feedback
        again = ex.run([Job(MATH, TASK, r"\boxed{42}")], TIMEOUT)
        assert (again[0].status, again[0].correct) == ("ok", True)
    with pytest.raises(RuntimeError, match="closed"):
        ex.run([Job(MATH, TASK, "42")], TIMEOUT)


def test_actors_the_cluster_cannot_place_delay_nothing(executor: RayExecutor) -> None:
    # the module's executor holds 1 of the 2 CPUs: one of these actors starts, two never do
    with RayExecutor(num_actors=3, actor_options={"num_cpus": 1}) as ex:
        start = time.monotonic()
        verdicts = ex.run([Job(MATH, TASK, r"\boxed{42}")] * 12, 5.0)
        assert [(v.status, v.correct) for v in verdicts] == [("ok", True)] * 12
        assert time.monotonic() - start < 20
    with RayExecutor(num_actors=1, startup_timeout=0.5, actor_options={"num_cpus": 2}) as ex:
        verdicts = ex.run([Job(MATH, TASK, "42")] * 3, 5.0)
    assert [v.status for v in verdicts] == ["error"] * 3
    assert "no Ray actor was available within 0.5 s" in verdicts[0].feedback


def test_make_executor_specs(ray_session) -> None:
    local = make_executor("local")
    assert isinstance(local, VerifierPool)
    local.close()
    for spec in ("ray", "ray:auto"):
        ex = make_executor(spec)
        assert isinstance(ex, RayExecutor) and ex.num_actors >= 1
        ex.close()
    for bad in ("ray:", "local:x", "dask", ""):
        with pytest.raises(ValueError, match=r"'local', 'ray'.*'ray:ADDRESS'"):
            make_executor(bad)


def test_rlvr_executor_ray_routes_bounded_verifiers_through_ray(
    ray_session, fresh_default, monkeypatch
) -> None:
    bounded = BoundedVerifier(MATH, timeout=5.0)
    assert bounded.pool is default_pool()  # RLVR_EXECUTOR unset: the local pool
    monkeypatch.setenv("RLVR_EXECUTOR", "ray")
    assert bounded.pool is default_pool()  # read once, on first use: no change until a reset
    set_default_executor(None)
    through_ray = bounded.pool
    assert isinstance(through_ray, RayExecutor) and bounded.pool is through_ray
    verdicts = bounded.verify_many([TASK, TASK], [r"\boxed{42}", r"\boxed{41}"])
    assert [(v.status, v.correct) for v in verdicts] == [("ok", True), ("ok", False)]
    assert rlvr.verifiers.get("math").pool is through_ray
    monkeypatch.delenv("RLVR_EXECUTOR")
    set_default_executor(None)  # closes the executor built from the variable
    assert bounded.pool is default_pool()
    with pytest.raises(RuntimeError, match="closed"):
        through_ray.run([Job(MATH, TASK, "42")], 1.0)
    monkeypatch.setenv("RLVR_EXECUTOR", "spark")
    set_default_executor(None)
    with pytest.raises(ValueError, match="RLVR_EXECUTOR='spark' is not an executor spec"):
        default_executor()


class _Recording:
    """An executor that answers every job with a fixed verdict and remembers the calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, float]] = []

    def run(self, jobs, timeout):
        self.calls.append((len(jobs), timeout))
        return [Verdict(reward=1.0, correct=True, feedback="recorded")] * len(jobs)

    def close(self) -> None:
        pass


def test_set_default_executor_routes_bounded_verifiers(fresh_default) -> None:
    recording = _Recording()
    set_default_executor(recording)
    assert default_executor() is recording
    verdicts = rlvr.verifiers.get("math", timeout=1.5).verify_many([TASK] * 3, ["1", "2", "3"])
    assert [v.feedback for v in verdicts] == ["recorded"] * 3
    assert recording.calls == [(3, 1.5)]
    with pytest.raises(TypeError, match="run\\(jobs, timeout\\) and close\\(\\)"):
        set_default_executor(object())  # type: ignore[arg-type]
    set_default_executor(None)
    assert executor_module._explicit is None and default_executor() is default_pool()


def test_a_missing_ray_names_the_install(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # makes `import ray` raise ImportError
    with pytest.raises(DependencyNotInstalled, match=r"pip install 'rlvr\[ray\]'"):
        import_ray()
    with pytest.raises(DependencyNotInstalled, match=r"pip install 'rlvr\[ray\]'"):
        make_executor("ray")
