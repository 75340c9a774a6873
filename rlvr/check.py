"""``rlvr check``: the environment contract as code.

Each check is a small named function; a failing check says which call failed and what it gave.
:func:`check_env` runs them all and returns a :class:`CheckReport`; ``report.raise_for_failures()``
raises :class:`rlvr.errors.EnvCheckError` listing every failure.
"""

from __future__ import annotations

import json
import random
import re
import statistics
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rlvr.errors import EnvCheckError
from rlvr.rollout import make_record, reverify
from rlvr.types import RolloutRecord, Task


@dataclass
class CheckResult:
    name: str
    passed: bool
    detail: str
    seconds: float


@dataclass
class CheckReport:
    env_id: str
    results: list[CheckResult] = field(default_factory=list)
    latency_ms: dict[str, float] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return bool(self.results) and all(r.passed for r in self.results)

    @property
    def failures(self) -> list[CheckResult]:
        return [r for r in self.results if not r.passed]

    def raise_for_failures(self) -> None:
        if not self.passed:
            lines = "\n".join(f"  - {r.name}: {r.detail}" for r in self.failures)
            raise EnvCheckError(f"{self.env_id} fails {len(self.failures)} check(s):\n{lines}")


class CheckFailed(Exception):
    """Raised inside a check to fail it with a message."""


@dataclass
class Context:
    env_id: str
    kwargs: dict[str, Any]
    n: int
    seed: int
    registry: Any
    latencies: list[float] = field(default_factory=list)

    def fresh(self, **extra: Any) -> Any:
        return self.registry.make(self.env_id, **{**self.kwargs, **extra})

    def indices(self, env: Any) -> list[int]:
        size = len(env.unwrapped.source)
        rng = random.Random(self.seed)
        if size <= self.n:
            return list(range(size))
        return sorted(rng.sample(range(min(size, 10**9)), self.n))


def check_gymnasium_api(ctx: Context) -> str:
    from gymnasium.utils.env_checker import check_env as gym_check

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gym_check(ctx.fresh(), skip_render_check=False)
    relevant = [  # gymnasium's logger.warn; a multi-turn wrapper is what is meant to be checked
        w
        for w in caught
        if "WARN:" in str(w.message) and "different from the unwrapped" not in str(w.message)
    ]
    if relevant:
        message = re.sub(r"\x1b\[[0-9;]*m", "", str(relevant[0].message))
        raise CheckFailed(f"gymnasium's check_env warned: {message}")
    return "gymnasium.utils.env_checker.check_env passes"


def check_gymnasium_make(ctx: Context) -> str:
    import gymnasium

    from rlvr.registry import default_registry

    if ctx.registry is not default_registry():
        return "skipped: only the default registry is bridged to gymnasium"
    env = gymnasium.make(ctx.env_id, **ctx.kwargs)
    prompt, info = env.reset(seed=ctx.seed)
    if is_interactive(env):
        if not isinstance(prompt, str) or not isinstance(info.get("messages"), list):
            raise CheckFailed(f"gymnasium.make({ctx.env_id!r}).reset() gave no prompt/messages")
    elif not isinstance(prompt, str) or not isinstance(info.get("task"), Task):
        raise CheckFailed(f"gymnasium.make({ctx.env_id!r}).reset() gave {type(prompt).__name__}")
    env.close()
    return "gymnasium.make works on this id"


def _tasks_via_reset(env: Any, indices: list[int]) -> list[str]:
    return [env.reset(options={"index": i})[1]["task"].model_dump_json() for i in indices]


def check_determinism(ctx: Context) -> str:
    first, second = ctx.fresh(), ctx.fresh()
    indices = ctx.indices(first)
    a, b = _tasks_via_reset(first, indices), _tasks_via_reset(second, indices)
    for index, x, y in zip(indices, a, b, strict=True):
        if x != y:
            raise CheckFailed(
                f"reset(options={{'index': {index}}}) gave different tasks in two fresh envs"
            )
    seeded = [env.reset(seed=ctx.seed)[0] for env in (first, second, first)]
    if len(set(seeded)) != 1:
        raise CheckFailed(f"reset(seed={ctx.seed}) gave different prompts")
    if len(first.unwrapped.source) > 1:
        prompts = {first.reset(seed=ctx.seed + k)[1]["task"].id for k in range(ctx.n)}
        if len(prompts) == 1:
            raise CheckFailed(f"reset(seed=s) gave the same task for {ctx.n} different seeds")
    return f"same tasks for the same index and seed ({len(indices)} indices)"


def check_gold(ctx: Context) -> str:
    env = ctx.fresh()
    for index in ctx.indices(env):
        _, info = env.reset(options={"index": index})
        task = info["task"]
        completion = env.unwrapped.reference_completion(task)
        start = time.perf_counter()
        _, reward, terminated, truncated, info = env.step(completion)
        ctx.latencies.append(time.perf_counter() - start)
        verdict = info["verdict"]
        if reward != 1.0 or not verdict.correct or not terminated or truncated:
            raise CheckFailed(
                f"step(reference completion {completion[:80]!r}) for task {task.id} gave reward "
                f"{reward} (status {verdict.status}: {verdict.feedback or 'no feedback'})"
            )
        record = make_record(env, task, verdict, completion=completion)
        stored = RolloutRecord.model_validate_json(record.model_dump_json())
        if stored != record:
            raise CheckFailed(f"the rollout record of task {task.id} does not survive JSON")
        if reverify(stored, env).verdict != verdict:
            raise CheckFailed(
                f"re-verifying the stored record of task {task.id} changed its verdict"
            )
        json.dumps(task.answer)
    return "reference completions score 1.0 and their records round-trip through JSON"


def check_known_bad(ctx: Context) -> str:
    env = ctx.fresh().unwrapped  # multi-turn wrappers: each bad answer judged as a final answer
    timeout = float(getattr(env.unwrapped.verifier, "timeout", 2.0))
    graded = getattr(env.unwrapped.verifier, "graded", False) is True
    count = 0
    for index in ctx.indices(env):
        task = env.unwrapped.task(index)
        for name, completion in env.unwrapped.known_bad_completions(task).items():
            env.reset(options={"index": index})
            start = time.perf_counter()
            _, reward, _, _, info = env.step(completion)
            elapsed = time.perf_counter() - start
            verdict = info["verdict"]
            # Opt-in shaping (e.g. a format component) may pay a little for a wrong answer;
            # correctness may not, except as partial credit where the verifier grades.
            correctness = verdict.components.get("correctness", reward)
            too_high = correctness >= 1.0 if graded else correctness != 0.0
            if too_high or verdict.correct:
                raise CheckFailed(
                    f"known-bad completion {name!r} for task {task.id} scored {reward} "
                    f"(correctness {correctness})"
                )
            if verdict.status == "error":
                raise CheckFailed(
                    f"known-bad completion {name!r} for task {task.id} made the "
                    f"verifier fail: {verdict.feedback}"
                )
            if elapsed > timeout + 5.0:
                raise CheckFailed(f"known-bad completion {name!r} took {elapsed:.1f} s to verify")
            count += 1
    return f"{count} known-bad completions score 0"


def check_difficulty(ctx: Context) -> str:
    spec = ctx.registry.spec(ctx.env_id)
    if spec.difficulty is None or "difficulty" in ctx.kwargs:
        return "no difficulty range declared"
    low, high = spec.difficulty
    for level in range(low, high + 1):
        env = ctx.fresh(difficulty=level)
        _, info = env.reset(options={"index": 0})
        completion = env.unwrapped.reference_completion(info["task"])
        if env.step(completion)[1] != 1.0:
            raise CheckFailed(f"at difficulty={level}, the reference completion does not score 1")
    return f"every difficulty {low}..{high} builds and its gold scores 1"


def is_interactive(env: Any) -> bool:
    """An environment that plays several turns against an oracle and has no single verdict
    to judge a completion by (no ``verify`` on the unwrapped env)."""
    return not callable(getattr(env.unwrapped, "verify", None))


GARBAGE_ACTION = "banana"
MAX_GARBAGE_TURNS = 1_000


def _play_garbage(env: Any, index: int) -> tuple[float, bool, bool, dict[str, Any]]:
    env.reset(options={"index": index})
    total, turns = 0.0, 0
    while turns < MAX_GARBAGE_TURNS:
        _, reward, terminated, truncated, info = env.step(GARBAGE_ACTION)
        total, turns = total + reward, turns + 1
        if terminated or truncated:
            return total, terminated, truncated, info
    raise CheckFailed(f"an episode of index {index} did not end after {MAX_GARBAGE_TURNS} turns")


def _secret(info: dict[str, Any]) -> Any:
    """What a finished interactive episode was hiding: ``info["solution"]`` (games) or the
    task's gold answer (question answering)."""
    if "solution" in info:
        return info["solution"]
    task = info.get("task")
    return task.answer if isinstance(task, Task) else None


def check_interactive_determinism(ctx: Context) -> str:
    first, second = ctx.fresh(), ctx.fresh()
    solutions = set()
    for index in range(ctx.n):
        a, b = _play_garbage(first, index)[3], _play_garbage(second, index)[3]
        if _secret(a) != _secret(b) or a["messages"] != b["messages"]:
            raise CheckFailed(f"index {index} gave different games in two fresh envs")
        solutions.add(str(_secret(a)))
    if ctx.n > 1 and len(solutions) == 1:
        raise CheckFailed(f"{ctx.n} different indices hid the same solution")
    return f"the same game for the same index ({ctx.n} indices), different games across them"


def check_interactive_garbage(ctx: Context) -> str:
    env = ctx.fresh()
    for index in range(ctx.n):
        total, terminated, truncated, info = _play_garbage(env, index)
        if total != 0.0 or terminated or not truncated:
            raise CheckFailed(
                f"playing {GARBAGE_ACTION!r} on index {index}: reward {total}, "
                f"terminated={terminated}, truncated={truncated} (want 0, False, True)"
            )
        if _secret(info) is None:
            raise CheckFailed("a finished episode reveals neither info['solution'] nor a task")
    return f"invalid actions use the budget: truncated with reward 0 ({ctx.n} episodes)"


INTERACTIVE_CHECKS: dict[str, Callable[[Context], str]] = {
    "gymnasium_api": check_gymnasium_api,
    "gymnasium_make": check_gymnasium_make,
    "determinism": check_interactive_determinism,
    "garbage_scores_0": check_interactive_garbage,
}
"""The checks for interactive environments, which have no gold completion to replay."""


CHECKS: dict[str, Callable[[Context], str]] = {
    "gymnasium_api": check_gymnasium_api,
    "gymnasium_make": check_gymnasium_make,
    "determinism": check_determinism,
    "gold_scores_1": check_gold,
    "known_bad_scores_0": check_known_bad,
    "difficulty_levels": check_difficulty,
}


def check_env(
    env_id: str,
    *,
    n: int = 20,
    seed: int = 0,
    kwargs: dict[str, Any] | None = None,
    registry: Any = None,
) -> CheckReport:
    """Run every check on ``env_id`` (built with ``kwargs``) over ``n`` tasks."""
    from rlvr.registry import default_registry

    registry = registry or default_registry()
    registry.spec(env_id)  # unknown ids are bad input, not a failed check
    report = CheckReport(env_id)
    ctx = Context(env_id, dict(kwargs or {}), n, seed, registry)
    start = time.perf_counter()
    try:
        env = ctx.fresh()
        checks = INTERACTIVE_CHECKS if is_interactive(env) else CHECKS
        env.close()
    except Exception as exc:
        report.results.append(CheckResult("make", False, f"rlvr.make failed: {exc}", 0.0))
        return report
    report.results.append(CheckResult("make", True, "rlvr.make works", time.perf_counter() - start))
    for name, check in checks.items():
        start = time.perf_counter()
        try:
            passed, detail = True, check(ctx)
        except CheckFailed as exc:
            passed, detail = False, str(exc)
        except Exception as exc:
            passed, detail = False, f"{type(exc).__name__}: {exc}"
        report.results.append(CheckResult(name, passed, detail, time.perf_counter() - start))
    if ctx.latencies:
        ms = sorted(x * 1000 for x in ctx.latencies)
        report.latency_ms = {
            "p50": statistics.median(ms),
            "p99": ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))],
            "max": ms[-1],
        }
    return report
