"""The ``code`` verifier: run the candidate's program in the sandbox against the task's tests.

Code is the last fenced ```` ```python ```` block of the completion (after thinking is
stripped), else the last fenced block of any language, else the whole text. Tasks follow the
schema of :mod:`rlvr.tasks.code.schema`. Expected outputs never enter the sandbox: function
results come back encoded as plain data and are compared here, program output is compared here,
and assert-based tests run in a process apart from the candidate's.

Reward: 1 when every test passes (binary, the default), or the fraction passed (``graded=True``).
A candidate that crashes, loops or exits early fails the tests it did not finish: the verdict is
``ok`` with a low reward, since that is a wrong program, not a failed verification. ``error`` is
kept for a sandbox that could not run the code at all. Feedback names the first failing test.
"""

from __future__ import annotations

import ast
import functools
import importlib
import json
from collections.abc import Sequence
from typing import Any, ClassVar

from rlvr.types import Task, Verdict
from rlvr.verifiers.base import BaseVerifier, check_batch
from rlvr.verifiers.extract import fenced_code, strip_think
from rlvr.verifiers.plainvalue import PlainValueError, as_json_value, decode
from rlvr.verifiers.sandbox import RunRequest, RunResult, Sandbox, SandboxLimits, default_sandbox

MAX_CODE_CHARS = 65_536
SHOWN_CHARS = 200
"""Inputs, expected and actual outputs are shortened to this many characters in feedback."""


def extract_code(completion: str) -> str:
    """The code of a completion, by the policy in the module docstring."""
    text = strip_think(completion)
    code = fenced_code(text, "python")
    if code is None:
        code = fenced_code(text)
    return text if code is None else code


def shown(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 3] + "..."


def normalise_output(text: str) -> list[str]:
    """Program output as compared: lines with trailing spaces removed, no trailing blank lines."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def task_request(task: Task, code: str, count_asserts: bool = False) -> RunRequest:
    """The sandbox request that runs ``code`` on ``task``'s tests (inputs only)."""
    metadata = task.metadata
    entry_point = metadata.get("entry_point")
    preamble = metadata.get("preamble") or ""
    if metadata.get("test_code") is not None:
        return RunRequest(
            mode="test_code",
            code=code,
            entry_point=entry_point,
            preamble=preamble,
            test_code=metadata["test_code"],
            count_asserts=count_asserts,
        )
    inputs = [test["input"] for test in metadata["tests"]]
    if entry_point is None:
        return RunRequest(mode="program", code=code, inputs=inputs)
    return RunRequest(
        mode="function", code=code, entry_point=entry_point, inputs=inputs, preamble=preamble
    )


def test_outcomes(task: Task, result: RunResult) -> tuple[list[bool], str]:
    """``(passed per test, feedback on the first failure)`` of a finished run."""
    if result.load_error:
        count = 1 if task.metadata.get("test_code") is not None else len(task.metadata["tests"])
        return [False] * count, f"the code failed to load: {result.load_error}"
    by_index = {frame["i"]: frame for frame in result.tests if isinstance(frame.get("i"), int)}
    if task.metadata.get("test_code") is not None:
        return _assert_outcomes(result, by_index, task.metadata["test_code"])
    passed, feedback = [], ""
    for number, test in enumerate(task.metadata["tests"]):
        frame = by_index.get(number)
        ok, why = _judge(task, test, frame, result)
        passed.append(ok)
        if not ok and not feedback:
            feedback = f"test {number + 1} failed: input {shown(test['input'])}; {why}"
    return passed, feedback


def _judge(task: Task, test: dict, frame: dict | None, result: RunResult) -> tuple[bool, str]:
    expected = test["output"]
    if frame is None:
        if result.status == "timeout":
            ended = "the run timed out"
        else:
            ended = result.message or "the program ended early"
        return False, f"expected {shown(expected)}; got no result ({ended})"
    if "error" in frame:  # an exception, a timeout, a result too large to send back
        return False, f"expected {shown(expected)}; got {shown(str(frame['error']))}"
    if task.metadata.get("entry_point") is None:  # program style
        if frame.get("timeout"):
            return False, f"expected {shown(expected)}; the program timed out"
        got = frame.get("stdout", "")
        if not isinstance(got, str):  # the result pipe is the candidate's: a forged frame
            return False, f"expected {shown(expected)}; got a malformed result"
        if frame.get("exit") != 0:
            return False, f"the program exited with status {shown(frame.get('exit'))}"
        if normalise_output(got) == normalise_output(expected):
            return True, ""
        return False, f"expected {shown(expected)}; got {shown(got)}"
    from rlvr.tasks.code.schema import values_match

    try:
        got = as_json_value(decode(frame.get("ok")))
    except PlainValueError as error:
        return False, f"expected {shown(expected)}; got an unusable value ({error})"
    if values_match(got, expected):
        return True, ""
    return False, f"expected {shown(expected)}; got {shown(got)}"


def _assert_outcomes(
    result: RunResult, by_index: dict[int, dict], test_code: str
) -> tuple[list[bool], str]:
    """Assert-style outcomes. When ``check`` did not run to its end (the run timed out, or
    ``check`` itself stopped), every assert of it not reported fails: the outcomes are padded to
    the number of asserts in ``check``, and a timeout fails at least one more (the one that hung).
    """
    passed = [bool(by_index[i].get("passed")) for i in sorted(by_index)]
    feedback = next(
        (
            f"the tests failed at {by_index[i].get('error')}"
            for i in sorted(by_index)
            if not by_index[i].get("passed")
        ),
        "",
    )
    timed_out = result.status == "timeout"
    stopped = any(frame.get("aborted") for frame in by_index.values())
    if timed_out or stopped or not passed:
        missing = assert_count(test_code) - len(passed)
        passed += [False] * max(missing, 1 if timed_out or not passed else 0)
        feedback = feedback or ("the tests timed out" if timed_out else "no test ran")
    return passed, feedback


@functools.lru_cache(maxsize=1024)
def assert_count(test_code: str) -> int:
    """How many ``assert`` statements the ``check`` function of ``test_code`` has (each counted
    once, in a loop or not); 0 when it cannot be parsed."""
    try:
        tree = ast.parse(test_code)
    except (SyntaxError, ValueError):
        return 0
    checks = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "check"]
    return sum(isinstance(node, ast.Assert) for check in checks for node in ast.walk(check))


class CodeVerifier(BaseVerifier):
    """Runs code completions in the sandbox against the task's hidden tests."""

    name: ClassVar[str] = "code"
    version: ClassVar[str] = "1"
    kind: ClassVar[str] = "executed"
    self_bounded: ClassVar[bool] = True
    """The sandbox bounds every run: no need for the verifier worker pool around it."""

    def __init__(
        self,
        graded: bool = False,
        limits: SandboxLimits | None = None,
        sandbox: Sandbox | None = None,
        max_code_chars: int = MAX_CODE_CHARS,
    ) -> None:
        self.graded = graded
        self.limits = limits
        self._sandbox = sandbox
        self.max_code_chars = max_code_chars

    @property
    def sandbox(self) -> Sandbox:
        return self._sandbox or default_sandbox()

    @property
    def timeout(self) -> float:
        return (self.limits or self.sandbox.limits).timeout

    def check(self, task: Task, completion: str) -> Verdict:
        return self.verify_many([task], [completion])[0]

    def verify_many(self, tasks: Sequence[Task], completions: Sequence[str]) -> list[Verdict]:
        check_batch(tasks, completions)
        verdicts: list[Verdict | None] = []
        runs: list[tuple[int, Task, RunRequest]] = []
        for task, completion in zip(tasks, completions, strict=True):
            verdict, request = self._prepare(task, completion)
            if request is not None:
                runs.append((len(verdicts), task, request))
            verdicts.append(verdict)
        results = self.sandbox.run_many([request for _, _, request in runs], self.limits)
        for (index, task, _), result in zip(runs, results, strict=True):
            verdicts[index] = self._verdict(task, result)
        return verdicts  # type: ignore[return-value]

    def _prepare(self, task: Task, completion: str) -> tuple[Verdict | None, RunRequest | None]:
        if not isinstance(completion, str):
            return super().verify(task, completion), None  # raises the TypeError
        if len(completion) > self.max_completion_chars:
            return super().verify(task, completion), None
        code = extract_code(completion)
        if not code.strip():
            return Verdict.failure("no_answer", "no code found: give it in a ```python block"), None
        if len(code) > self.max_code_chars:
            return Verdict.failure(
                "no_answer",
                f"the code has {len(code):,} characters, over the limit of {self.max_code_chars:,}",
            ), None
        try:
            return None, task_request(task, code, count_asserts=self.graded)
        except (KeyError, TypeError, ValueError) as error:
            return Verdict.failure("error", f"task {task.id!r} is not a code task: {error}"), None

    def _verdict(self, task: Task, result: RunResult) -> Verdict:
        if result.status == "error":
            return Verdict.failure("error", f"the sandbox could not run the code: {result.message}")
        passed, feedback = test_outcomes(task, result)
        # the candidate's strings may hold lone surrogates: keep the feedback valid UTF-8
        feedback = feedback.encode("utf-8", "backslashreplace").decode("utf-8")
        fraction = sum(passed) / len(passed) if passed else 0.0
        correct = bool(passed) and all(passed)
        reward = fraction if self.graded else float(correct)
        return Verdict(
            reward=reward,
            correct=correct,
            components={"tests_passed": fraction},
            feedback=feedback
            or ("the test passed" if len(passed) == 1 else f"all {len(passed)} tests passed"),
        )

    # -- hooks for `rlvr check` -----------------------------------------------------------------

    def reference_completion(self, task: Task) -> str:
        return f"```python\n{task.answer}\n```"

    def known_bad_completions(self, task: Task) -> dict[str, str]:
        bad = super().known_bad_completions(task)
        bad.pop("empty_box", None)
        entry_point = task.metadata.get("entry_point")
        for name, code in attack_programs(entry_point).items():
            bad[name] = f"```python\n{code}\n```"
        for name, code in _family_wrong_solutions(task).items():
            bad[f"wrong_{name}"] = f"```python\n{code}\n```"
        return bad


def attack_programs(entry_point: str | None) -> dict[str, str]:
    """Programs that try to pass without solving the task; each must score 0."""
    name = entry_point or "solve"
    attacks = {
        "exit_before_tests": "import sys\nsys.exit(0)",
        "os_exit_before_tests": "import os\nos._exit(0)",
        "fake_success_output": "print('All tests passed!')\nprint('OK')",
    }
    if entry_point is not None:
        attacks["eq_override"] = (
            "class AlwaysEqual:\n"
            "    def __eq__(self, other):\n        return True\n"
            "    def __ne__(self, other):\n        return False\n"
            f"def {name}(*args, **kwargs):\n    return AlwaysEqual()"
        )
        attacks["returns_none"] = f"def {name}(*args, **kwargs):\n    return None"
    return attacks


def _family_wrong_solutions(task: Task) -> dict[str, str]:
    """The wrong solutions the task's procedural family ships (none for dataset tasks)."""
    if "family" in task.metadata:  # a variant (debug, stdio) of a family's task
        from rlvr.tasks.code.variants import wrong_solutions

        return wrong_solutions(task)
    family = task.metadata.get("source")
    if not isinstance(family, str) or not family.replace("-", "").isalnum():
        return {}
    try:
        module = importlib.import_module(f"rlvr.tasks.code.{family.replace('-', '_')}")
    except ImportError:
        return {}
    wrong = getattr(module, "wrong_solutions", None)
    return dict(wrong(task)) if callable(wrong) else {}
