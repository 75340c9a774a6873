"""The sandbox's modes, limits and results (the attack corpus is in test_sandbox_attacks)."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rlvr.verifiers.sandbox import RunRequest, Sandbox, SandboxLimits, isolation
from rlvr.verifiers.sandbox.frames import FrameError, pack, read_frame

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(workers=2, limits=SandboxLimits(timeout=5, test_timeout=1)) as box:
        yield box


@settings(max_examples=100, deadline=None)
@given(st.lists(st.recursive(st.none() | st.integers() | st.text(), st.lists, max_leaves=10)))
def test_frames_round_trip(messages):
    stream = io.BytesIO(b"".join(pack(m) for m in messages))
    assert [read_frame(stream) for _ in messages] == messages
    assert read_frame(stream) is None


def test_frames_reject_truncated_oversized_and_garbage():
    whole = pack({"a": 1})
    with pytest.raises(FrameError, match="inside a frame"):
        read_frame(io.BytesIO(whole[:-1]))
    with pytest.raises(FrameError, match="header"):
        read_frame(io.BytesIO(whole[:2]))
    with pytest.raises(FrameError, match="over the limit"):
        read_frame(io.BytesIO(whole), limit=3)
    with pytest.raises(FrameError, match="not JSON"):
        read_frame(io.BytesIO(b"\x00\x00\x00\x03abc"))


def test_function_mode_returns_encoded_results_per_input(sandbox):
    code = "def f(x, y=0):\n    return (x * 2, {'k': [x]}, {x})\n"
    result = sandbox.run(RunRequest(mode="function", code=code, entry_point="f", inputs=[[1], [2]]))
    assert result.status == "ok" and result.load_error is None
    assert [t["i"] for t in result.tests] == [0, 1]
    assert result.tests[1]["ok"] == {"$tuple": [4, {"$dict": [["k", [2]]]}, {"$set": [2]}]}


def test_function_mode_reports_exceptions_per_test(sandbox):
    code = "def f(x):\n    return 10 // x\n"
    result = sandbox.run(RunRequest(mode="function", code=code, entry_point="f", inputs=[[0], [5]]))
    assert result.tests[0]["error"].startswith("ZeroDivisionError")
    assert result.tests[1]["ok"] == 2


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("def f(:\n", "SyntaxError"),
        ("x = 1\n", "does not define a function 'f'"),
        ("raise ValueError('boom')\n", "ValueError: boom"),
    ],
)
def test_load_errors_are_reported_not_raised(sandbox, code, message):
    result = sandbox.run(RunRequest(mode="function", code=code, entry_point="f", inputs=[[1]]))
    assert result.status == "ok"
    assert message in result.load_error
    assert result.tests == []


def test_program_mode_runs_each_input_with_its_own_stdin(sandbox):
    code = "import sys\nn = int(sys.stdin.readline())\nprint(n * n)\nprint('err', file=sys.stderr)"
    result = sandbox.run(RunRequest(mode="program", code=code, inputs=["3\n", "12\n", "x\n"]))
    assert [(t["stdout"], t["exit"]) for t in result.tests[:2]] == [("9\n", 0), ("144\n", 0)]
    assert result.tests[2]["exit"] == 1 and result.tests[2]["stdout"] == ""


def test_program_mode_reads_fd_0_directly_and_may_exit_early(sandbox):
    code = (
        "import os, sys\ndata = open(0).read().split()\nprint(sum(map(int, data)))\n"
        "sys.stdout.flush()\nos._exit(0)"
    )
    result = sandbox.run(RunRequest(mode="program", code=code, inputs=["1 2 3", "4 5"]))
    assert [t["stdout"] for t in result.tests] == ["6\n", "9\n"]


def test_test_code_mode_counts_asserts_when_asked(sandbox):
    code = "def inc(x):\n    return x + 1 if x < 5 else x\n"
    tests = (
        "def check(candidate):\n    for x in range(8):\n        assert candidate(x) == x + 1, x\n"
    )
    counted = sandbox.run(
        RunRequest(
            mode="test_code", code=code, entry_point="inc", test_code=tests, count_asserts=True
        )
    )
    assert [t["passed"] for t in counted.tests] == [True] * 5 + [False] * 3
    whole = sandbox.run(RunRequest(mode="test_code", code=code, entry_point="inc", test_code=tests))
    assert [t["passed"] for t in whole.tests] == [False]
    assert "line 3: assert candidate(x) == x + 1, x: AssertionError: 5" in whole.tests[0]["error"]


def test_test_code_sees_the_preamble_and_the_candidate_under_its_name(sandbox):
    preamble = "def helper(x):\n    return x * 3\n\ndef triple(x):\n    '''x times 3'''\n"
    tests = "def check(candidate):\n    assert triple(2) == helper(2)\n"
    result = sandbox.run(
        RunRequest(
            mode="test_code",
            code="    return x * 3\n",
            entry_point="triple",
            preamble=preamble,
            test_code=tests,
        )
    )
    assert [t["passed"] for t in result.tests] == [True]


def test_wall_timeout_kills_the_run(sandbox):
    limits = SandboxLimits(timeout=1, test_timeout=5)
    request = RunRequest(
        mode="function", code="def f():\n    while True: pass\n", entry_point="f", inputs=[[]]
    )
    result = sandbox.run(request, limits)
    assert result.status == "timeout"
    assert 0.9 < result.seconds < 3


def test_output_tails_are_captured_and_capped(sandbox):
    code = (
        "import sys\nprint('A' * 100000)\nprint('tail-marker', file=sys.stderr)\n"
        "def f():\n    return 1\n"
    )
    limits = SandboxLimits(output_bytes=1024)
    result = sandbox.run(
        RunRequest(mode="function", code=code, entry_point="f", inputs=[[]]), limits
    )
    assert len(result.stdout) == 1024 and result.stdout.rstrip().endswith("A")
    assert "tail-marker" in result.stderr


def test_memory_limit_turns_a_bomb_into_a_memory_error(sandbox):
    limits = SandboxLimits(memory_mb=256)
    code = "def f():\n    return len(bytearray(512 * 1024 * 1024))\n"
    result = sandbox.run(
        RunRequest(mode="function", code=code, entry_point="f", inputs=[[]]), limits
    )
    assert result.tests[0]["error"].startswith("MemoryError")


@pytest.mark.skipif(isolation.available() != "namespaces", reason="needs namespaces")
def test_candidate_runs_unprivileged_with_any_stdlib_module(sandbox):
    code = (
        "import os, hashlib, sqlite3, decimal\n"
        "def f():\n"
        "    try:\n        hidden = os.listdir('/root')\n"
        "    except OSError:\n        hidden = None\n"
        "    return [os.getuid(), os.getpid(), hashlib.md5(b'').hexdigest()[:4], hidden]\n"
    )
    result = sandbox.run(RunRequest(mode="function", code=code, entry_point="f", inputs=[[]]))
    uid, pid, digest, root_listing = result.tests[0]["ok"]
    assert uid >= isolation.BASE_UID and pid == 1 and digest == "d41d"
    assert root_listing is None or set(root_listing) <= {".pyenv", ".local", ".cache"}


def test_runs_in_parallel_keep_their_order(sandbox):
    requests = [
        RunRequest(
            mode="function", code=f"def f():\n    return {n}\n", entry_point="f", inputs=[[]]
        )
        for n in range(12)
    ]
    assert [r.tests[0]["ok"] for r in sandbox.run_many(requests)] == list(range(12))


def test_a_dead_server_is_replaced(sandbox):
    limits = SandboxLimits(timeout=1)
    first = sandbox.run(
        RunRequest(mode="function", code="def f():\n    return 1\n", entry_point="f", inputs=[[]]),
        limits,
    )
    assert first.status == "ok"
    for server in list(sandbox._servers):
        server.process.kill()
        server.process.wait()
    results = sandbox.run_many(
        [RunRequest(mode="function", code="def f():\n    return 2\n", entry_point="f", inputs=[[]])]
        * 4
    )
    assert {r.status for r in results} <= {"ok", "error"}
    again = sandbox.run(
        RunRequest(mode="function", code="def f():\n    return 3\n", entry_point="f", inputs=[[]])
    )
    assert again.status == "ok" and again.tests[0]["ok"] == 3


def test_limits_are_validated():
    with pytest.raises(ValueError, match="timeout"):
        SandboxLimits(timeout=0)
    with pytest.raises(ValueError, match="memory_mb"):
        SandboxLimits(memory_mb=1)


def test_requests_reject_unknown_modes():
    with pytest.raises(ValueError, match="mode"):
        RunRequest(mode="shell", code="ls")
    assert json.loads(RunRequest(mode="program", code="x").model_dump_json())["inputs"] == []
