"""Attacks on the sandbox's result channel and on graded scoring (audit items C1-C4).

Each test runs the attack that used to force status ``error``, poison a server or out-score a
wrong answer, and checks it is now an ordinary wrong answer: status ``ok``, reward as earned.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from rlvr.tasks.code.schema import function_metadata, function_tests
from rlvr.types import Task, Verdict
from rlvr.verifiers.code import CodeVerifier
from rlvr.verifiers.code import test_outcomes as outcomes_of
from rlvr.verifiers.sandbox import RunResult, Sandbox, SandboxLimits, server

pytestmark = pytest.mark.slow

LIMITS = SandboxLimits(timeout=4, test_timeout=1, cpu_seconds=4, memory_mb=512)
ADD = "def add(a, b):\n    return a + b\n"
PROGRAM = "a, b = map(int, input().split())\nprint(a + b)\n"
SIX_ASSERTS = "def check(candidate):\n" + "".join(
    f"    assert candidate({n}, 1) == {n + 1}\n" for n in range(6)
)
LOOP_OUTSIDE_ASSERT = (
    "def check(candidate):\n"
    "    for n in range(10):\n"
    "        result = candidate(n, 1)\n"
    "        assert result == n + 1\n"
)

FORGE = (  # writes PAYLOAD on every descriptor it may have inherited
    "def forge():\n"
    "    for fd in range(3, 64):\n"
    "        try:\n"
    "            os.write(fd, PAYLOAD)\n"
    "        except OSError:\n"
    "            pass\n"
)
PAYLOADS = {
    "setup_error_frame": "d = json.dumps({'setup_error': 'x'}).encode()\n"
    "PAYLOAD = struct.pack('>I', len(d)) + d\n",
    "garbage": "PAYLOAD = b'\\xff' * 64\n",
    "mistyped_frame": "d = json.dumps({'i': 0, 'stdout': [1], 'exit': 0, 'ok': [1]}).encode()\n"
    "PAYLOAD = struct.pack('>I', len(d)) + d\n",
    "lone_surrogate": 'd = b\'{"i": 0, "ok": "\\\\ud800"}\'\n'
    "PAYLOAD = struct.pack('>I', len(d)) + d\n",
    "deep_frame": "d = b'[' * 100000 + b']' * 100000\nPAYLOAD = struct.pack('>I', len(d)) + d\n",
}
FORGE_SITES = {  # where the forging runs: (task kind, code around `forge()`)
    "function_call": ("function", "def add(a, b):\n    forge()\n    return a + b + 1\n"),
    "program": ("program", "forge()\nprint(0)\n"),
    "test_code_import": ("asserts", "forge()\ndef add(a, b):\n    return a + b + 1\n"),
    "test_code_call": ("asserts", "def add(a, b):\n    forge()\n    return a + b + 1\n"),
}
HANG_AFTER = (  # right on the first ANSWERED calls, then hangs ignoring the per-test alarm
    "import signal, time\n"
    "calls = [0]\n"
    "def add(a, b):\n"
    "    calls[0] += 1\n"
    "    if calls[0] <= ANSWERED:\n"
    "        return a + b\n"
    "    signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
    "    while True:\n"
    "        time.sleep(1)\n"
)


def function_task() -> Task:
    tests = function_tests(ADD, "add", [[1, 2], [3, 4], [10, -3], [0, 0]])
    return Task(id="h/add", prompt="add", answer=ADD, metadata=function_metadata("add", tests))


def program_task() -> Task:
    tests = [{"input": "1 2\n", "output": "3\n"}, {"input": "5 6\n", "output": "11\n"}]
    return Task(id="h/program", prompt="sum", answer=PROGRAM, metadata={"tests": tests})


def assert_task(test_code: str = SIX_ASSERTS) -> Task:
    metadata = {"entry_point": "add", "test_code": test_code}
    return Task(id="h/asserts", prompt="add", answer=ADD, metadata=metadata)


TASKS = {"function": function_task, "program": program_task, "asserts": assert_task}


def fenced(code: str) -> str:
    return f"```python\n{code}\n```"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(workers=1, limits=LIMITS) as box:  # one server: every run hits the same one
        yield box


@pytest.fixture(scope="module")
def graded(sandbox: Sandbox) -> CodeVerifier:
    return CodeVerifier(graded=True, sandbox=sandbox)


def assert_wrong_answer(verdict: Verdict, reward: float = 0.0) -> None:
    """A wrong program's verdict: status ok (not a sandbox error), the reward it earned."""
    assert verdict.status == "ok", verdict
    assert verdict.reward == pytest.approx(reward), verdict
    assert not verdict.correct


def assert_reference_passes(verifier: CodeVerifier, task: Task) -> None:
    verdict = verifier.verify(task, fenced(task.answer))
    assert verdict.reward == 1.0, verdict


# -- C1: the candidate cannot make its run an `error` ---------------------------------------------


@pytest.mark.parametrize("site", sorted(FORGE_SITES))
@pytest.mark.parametrize("payload", sorted(PAYLOADS))
def test_forged_or_broken_result_frames_are_a_wrong_answer(
    graded: CodeVerifier, payload: str, site: str
) -> None:
    kind, body = FORGE_SITES[site]
    code = "import os, json, struct\n" + PAYLOADS[payload] + FORGE + body
    verdict = graded.verify(TASKS[kind](), fenced(code))
    assert_wrong_answer(verdict)


def test_a_setup_failure_before_the_code_runs_is_still_an_error() -> None:
    """Only the setup pipe, closed before the candidate's code runs, can make a run an error."""
    read, write = os.pipe()
    os.set_blocking(read, False)
    setup = server.SetupPipe(write)
    setup.report(OSError("cannot drop privileges"), -1)
    setup.close()
    assert server._setup_error(read) == "OSError: cannot drop privileges"
    os.close(read)


def test_after_the_setup_pipe_closes_a_failure_is_only_a_message() -> None:
    read, write = os.pipe()
    server.SetupPipe(-1).report(RuntimeError("boom"), write)
    os.close(write)
    frames, status, message = server._results(os.read(read, 4096), "ok", "")
    os.close(read)
    assert (frames, status, message) == ([], "ok", "the run stopped: RuntimeError: boom")


# -- C2: a poisoned run leaves nothing behind ------------------------------------------------------

POISON = (
    "import os, struct\n"
    "def add(a, b):\n"
    "    for k in range(4):\n"
    "        try:\n"
    "            with open(f'fill{k}', 'wb') as f:\n"
    "                for _ in range(16):\n"
    "                    f.write(b'\\0' * (1 << 20))\n"
    "        except OSError:\n"
    "            pass\n"
    "    data = b'[' * 100000 + b']' * 100000\n"
    "    for fd in range(3, 64):\n"
    "        try:\n"
    "            os.write(fd, struct.pack('>I', len(data)) + data)\n"
    "        except OSError:\n"
    "            pass\n"
    "    return 0\n"
)


def test_disk_fill_and_deep_frame_do_not_poison_later_runs(graded: CodeVerifier) -> None:
    assert_wrong_answer(graded.verify(function_task(), fenced(POISON)))
    assert_reference_passes(graded, program_task())  # program runs write files in scratch
    chatty = "def add(a, b):\n    print('debug', 'x' * 20000)\n    return a + b\n"
    assert graded.verify(function_task(), fenced(chatty)).reward == 1.0


# -- C3: a result too large to send back is a failed test -----------------------------------------


def test_a_huge_return_value_fails_its_test(graded: CodeVerifier) -> None:
    verdict = graded.verify(function_task(), fenced("def add(a, b):\n    return 'x' * 20_000_000"))
    assert_wrong_answer(verdict)
    assert "too large to send back" in verdict.feedback


def test_flooding_the_result_pipe_is_a_wrong_answer(graded: CodeVerifier) -> None:
    flood = (
        "import os\n"
        "def add(a, b):\n"
        "    for fd in range(3, 64):\n"
        "        try:\n"
        "            os.write(fd, b'\\x00\\xf0\\x00\\x00' + b' ' * (17 << 20))\n"
        "        except OSError:\n"
        "            pass\n"
        "    return a + b\n"
    )
    verdict = graded.verify(function_task(), fenced(flood))
    assert_wrong_answer(verdict)
    assert "bytes of results" in verdict.feedback


# -- C4: graded asserts: a hang fails every assert it left unrun ----------------------------------


@pytest.mark.parametrize(
    ("test_code", "answered", "reward"),
    [(SIX_ASSERTS, 1, 1 / 6), (LOOP_OUTSIDE_ASSERT, 2, 2 / 10)],
    ids=["asserts", "call_outside_assert_in_a_loop"],
)
def test_hanging_scores_no_more_than_the_asserts_passed(
    graded: CodeVerifier, test_code: str, answered: int, reward: float
) -> None:
    code = HANG_AFTER.replace("ANSWERED", str(answered))
    assert_wrong_answer(graded.verify(assert_task(test_code), fenced(code)), reward)


def test_hanging_scores_no_more_than_answering_wrong(graded: CodeVerifier) -> None:
    hang = HANG_AFTER.replace("ANSWERED", "1")
    wrong = (
        "calls = [0]\ndef add(a, b):\n    calls[0] += 1\n    return a + b if calls[0] == 1 else 0"
    )
    verdicts = graded.verify_many([assert_task()] * 2, [fenced(hang), fenced(wrong)])
    assert verdicts[0].reward <= verdicts[1].reward


@pytest.mark.parametrize(
    ("frames", "status", "expected"),
    [
        ([{"i": 0, "passed": True}], "timeout", [True] + [False] * 5),
        (
            [{"i": 0, "passed": True}, {"i": 1, "passed": False, "aborted": True}],
            "ok",
            [True] + [False] * 5,
        ),
        ([{"i": n, "passed": True} for n in range(6)], "timeout", [True] * 6 + [False]),
    ],
    ids=["killed_at_the_wall", "check_stopped", "killed_after_the_last_assert"],
)
def test_an_unfinished_check_fails_every_assert_it_did_not_report(
    frames: list[dict], status: str, expected: list[bool]
) -> None:
    result = RunResult(status=status, tests=frames)
    assert outcomes_of(assert_task(), result)[0] == expected
