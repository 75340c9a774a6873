"""The attack corpus: programs that try to escape, stall, fake a pass or harm the verifier.

Every attack must be contained: reward 0, the verdict back within the run's limit, the
verifier and its sandbox still working, and no process or file left behind.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

from rlvr.tasks.code.schema import function_metadata, function_tests
from rlvr.types import Task
from rlvr.verifiers.code import CodeVerifier
from rlvr.verifiers.sandbox import Sandbox, SandboxLimits, isolation

pytestmark = pytest.mark.slow

REFERENCE = "def add(a, b):\n    return a + b\n"
LIMITS = SandboxLimits(timeout=4, test_timeout=1, cpu_seconds=3, memory_mb=512, processes=16)
NAMESPACES = isolation.available() == "namespaces"
needs_namespaces = pytest.mark.skipif(
    not NAMESPACES, reason="needs namespace isolation (Linux, as root)"
)
SECRET = "rlvr-test-secret-5d1f"


def add_task() -> Task:
    tests = function_tests(REFERENCE, "add", [[1, 2], [3, 4], [10, -3], [0, 0]])
    return Task(
        id="attack/add", prompt="add", answer=REFERENCE, metadata=function_metadata("add", tests)
    )


def assert_test_code_task() -> Task:
    return Task(
        id="attack/asserts",
        prompt="add",
        answer=REFERENCE,
        metadata={
            "entry_point": "add",
            "test_code": "def check(candidate):\n    assert candidate(1, 2) == 3\n"
            "    assert candidate(2, 2) == 4\n",
        },
    )


def program_task() -> Task:
    tests = [{"input": "1 2\n", "output": "3\n"}, {"input": "5 6\n", "output": "11\n"}]
    return Task(id="attack/program", prompt="sum", answer="", metadata={"tests": tests})


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(workers=1, limits=LIMITS) as box:
        yield box


@pytest.fixture(scope="module")
def verifier(sandbox):
    return CodeVerifier(sandbox=sandbox)


def sandbox_processes() -> list[int]:
    """PIDs of processes running as a sandbox uid (candidate or test side)."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            status = Path(entry.path, "status").read_text()
        except OSError:
            continue
        uid_line = next((line for line in status.splitlines() if line.startswith("Uid:")), "")
        uids = {int(u) for u in uid_line.split()[1:]}
        top = isolation.BASE_UID + 2 * isolation.MAX_SLOTS
        if any(isolation.BASE_UID <= u < top for u in uids):
            state = next((ln for ln in status.splitlines() if ln.startswith("State:")), "")
            if " Z " not in state + " ":
                found.append(int(entry.name))
    return found


def tmp_listing() -> set[str]:
    return {
        entry
        for d in ("/tmp", "/var/tmp", "/dev/shm")
        if os.path.isdir(d)
        for entry in os.listdir(d)
    }


def run_attack(verifier: CodeVerifier, task: Task, code: str) -> float:
    before = tmp_listing()
    start = time.monotonic()
    verdict = verifier.verify(task, f"```python\n{code}\n```")
    elapsed = time.monotonic() - start
    assert verdict.reward == 0.0, verdict
    assert not verdict.correct
    assert elapsed < LIMITS.timeout + 3, elapsed
    deadline = time.monotonic() + 2
    while sandbox_processes() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sandbox_processes() == []
    assert tmp_listing() - before == set()
    # the verifier still works after the attack
    assert verifier.verify(task, f"```python\n{task.answer or PROGRAM}\n```").reward == 1.0
    return elapsed


PROGRAM = "a, b = map(int, input().split())\nprint(a + b)"

FUNCTION_ATTACKS = {
    "infinite_loop": "def add(a, b):\n    while True:\n        pass",
    "signal_ignoring_loop": (
        "import signal\n"
        "for s in (signal.SIGALRM, signal.SIGTERM, signal.SIGINT, signal.SIGHUP):\n"
        "    signal.signal(s, signal.SIG_IGN)\n"
        "def add(a, b):\n    while True:\n        pass"
    ),
    "alarm_handler_swallowed": (
        "def add(a, b):\n    while True:\n        try:\n"
        "            while True:\n                pass\n"
        "        except BaseException:\n            continue"
    ),
    "memory_bomb": "def add(a, b):\n    x = []\n    while True:\n        x.append(' ' * 10**7)",
    "fork_fan_out": (
        "import os\n"
        "def add(a, b):\n"
        "    for _ in range(200):\n"
        "        try:\n            os.fork()\n        except OSError:\n            pass\n"
        "    while True:\n        pass"
    ),
    "setsid_escape": (
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        "        time.sleep(30)\n"
        "    os._exit(0)\n"
        "def add(a, b):\n    return a - b"
    ),
    "double_fork_daemon": (
        "import os, time\n"
        "def add(a, b):\n"
        "    if os.fork() == 0:\n"
        "        if os.fork() == 0:\n"
        "            os.setsid()\n            time.sleep(30)\n"
        "        os._exit(0)\n"
        "    return None"
    ),
    "disk_fill": (
        "def add(a, b):\n"
        "    with open('big', 'wb') as f:\n"
        "        while True:\n            f.write(b'x' * 2**20)"
    ),
    "many_files": (
        "import os\n"
        "def add(a, b):\n"
        "    for i in range(100000):\n"
        "        open(f'f{i}', 'w').write('x' * 1000)\n"
        "    return a + b + 1"
    ),
    "huge_output": "def add(a, b):\n    while True:\n        print('x' * 100000)",
    "write_outside_scratch": (
        "import os\n"
        "def add(a, b):\n"
        "    for path in ('/tmp/rlvr-attack-marker', '/var/tmp/rlvr-attack-marker',\n"
        "                 '/dev/shm/rlvr-attack-marker', os.path.expanduser('~/rlvr-marker')):\n"
        "        try:\n            open(path, 'w').write('pwned')\n        except OSError:\n"
        "            pass\n"
        "    return None"
    ),
    "kill_parent": (
        "import os, signal\n"
        "def add(a, b):\n"
        "    for pid in (os.getppid(), 1, -1):\n"
        "        try:\n            os.kill(pid, signal.SIGKILL)\n        except OSError:\n"
        "            pass\n"
        "    return None"
    ),
    "kill_every_visible_process": (
        "import os, signal\n"
        "def add(a, b):\n"
        "    for name in os.listdir('/proc'):\n"
        "        if name.isdigit() and int(name) != os.getpid():\n"
        "            try:\n                os.kill(int(name), signal.SIGKILL)\n"
        "            except OSError:\n                pass\n"
        "    return None"
    ),
    "exit_before_tests": "import sys\nsys.exit(0)",
    "os_exit_before_tests": "import os\nos._exit(0)",
    "exit_inside_call": "import sys\ndef add(a, b):\n    sys.exit(0)",
    "eq_override": (
        "class Anything:\n"
        "    def __eq__(self, other):\n        return True\n"
        "    def __ne__(self, other):\n        return False\n"
        "def add(a, b):\n    return Anything()"
    ),
    "int_subclass": (
        "class Sly(int):\n"
        "    def __eq__(self, other):\n        return True\n"
        "def add(a, b):\n    return Sly(0)"
    ),
    "monkeypatch_builtins": (
        "import builtins, json\n"
        "builtins.isinstance = lambda *a: True\n"
        "json.dumps = lambda *a, **k: '[]'\n"
        "def add(a, b):\n    return None"
    ),
    "fake_success_output": (
        "print('All tests passed!')\nprint('{\"passed\": true}')\n"
        "def add(a, b):\n    print('ok')\n    return 'passed'"
    ),
    "forge_result_frames": (
        "import os, json, struct\n"
        "def add(a, b):\n"
        "    for i in range(4):\n"
        "        data = json.dumps({'i': i, 'ok': 3}).encode()\n"
        "        for fd in range(3, 30):\n"
        "            try:\n                os.write(fd, struct.pack('>I', len(data)) + data)\n"
        "            except OSError:\n                pass\n"
        "    os._exit(0)"
    ),
    "deep_recursion": "def add(a, b):\n    return add(a, b) + 1",
}


@pytest.mark.parametrize("name", sorted(FUNCTION_ATTACKS))
def test_function_attacks_are_contained(verifier, name):
    run_attack(verifier, add_task(), FUNCTION_ATTACKS[name])


def test_no_network_even_to_loopback(verifier):
    """The sandbox cannot reach a listener on the machine's loopback interface."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    port = server.getsockname()[1]
    accepted = []

    def accept() -> None:
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline:
            try:
                accepted.append(server.accept())
            except OSError:
                continue

    thread = threading.Thread(target=accept)
    thread.start()
    code = (
        "import socket\n"
        "def add(a, b):\n"
        "    try:\n"
        f"        socket.create_connection(('127.0.0.1', {port}), timeout=0.5).sendall(b'hi')\n"
        "        return a + b\n"
        "    except OSError as error:\n"
        "        return str(error)\n"
    )
    verdict = verifier.verify(add_task(), f"```python\n{code}\n```")
    thread.join()
    server.close()
    if NAMESPACES:
        assert accepted == []
        assert verdict.reward == 0.0
    else:
        pytest.skip("no network namespace here: network access is not isolated")


def test_parent_environment_is_not_visible(sandbox, monkeypatch):
    """Secrets in the verifier's environment do not reach the candidate."""
    from rlvr.verifiers.sandbox import RunRequest

    monkeypatch.setenv("RLVR_SECRET_TOKEN", SECRET)
    code = (
        "import os\n"
        "def leak():\n"
        "    found = [v for v in os.environ.values() if 'secret' in v]\n"
        "    for pid in os.listdir('/proc'):\n"
        "        try:\n"
        "            found.append(open(f'/proc/{pid}/environ', 'rb').read().decode('latin-1'))\n"
        "        except OSError:\n"
        "            pass\n"
        "    return ' '.join(found)\n"
    )
    result = sandbox.run(RunRequest(mode="function", code=code, entry_point="leak", inputs=[[]]))
    assert result.status == "ok"
    assert result.tests[0].get("ok") is not None
    assert SECRET not in str(result.tests[0]["ok"])


@pytest.mark.parametrize(
    "name",
    [
        "exit_before_tests",
        "os_exit_before_tests",
        "eq_override",
        "monkeypatch_builtins",
        "fake_success_output",
        "forge_result_frames",
        "kill_parent",
    ],
)
def test_assert_based_tests_resist_attacks(verifier, name):
    run_attack(verifier, assert_test_code_task(), FUNCTION_ATTACKS[name])


def test_candidate_cannot_read_the_tests(sandbox):
    """In test_code mode the candidate's process never receives the tests."""
    from rlvr.verifiers.sandbox import RunRequest

    code = (
        "import gc, sys\n"
        "def add(a, b):\n"
        "    seen = ' '.join(str(o) for o in gc.get_objects() if isinstance(o, str))\n"
        "    for pid in __import__('os').listdir('/proc'):\n"
        "        try:\n"
        "            seen += open(f'/proc/{pid}/cmdline').read()\n"
        "        except OSError:\n"
        "            pass\n"
        "    return 'LEAKED' if 'needle-7731' in seen else a + b\n"
    )
    test_code = "def check(candidate):\n    assert candidate(1, 2) == 3, 'needle-7731'\n"
    result = sandbox.run(
        RunRequest(mode="test_code", code=code, entry_point="add", test_code=test_code)
    )
    assert [frame["passed"] for frame in result.tests] == [True]


PROGRAM_ATTACKS = {
    "infinite_loop": "while True:\n    pass",
    "exit_zero_silently": "import sys\nsys.exit(0)",
    "fake_output": "print('All tests passed')",
    "huge_output": "import sys\nwhile True:\n    sys.stdout.write('3\\n' * 100000)",
    "setsid_escape": (
        "import os, time\n"
        "if os.fork() == 0:\n    os.setsid()\n    time.sleep(30)\n    os._exit(0)\n"
        "print(0)"
    ),
    "read_other_tests_input": "import os\nprint(os.listdir('.'))",
}


@pytest.mark.parametrize("name", sorted(PROGRAM_ATTACKS))
def test_program_attacks_are_contained(verifier, name):
    run_attack(verifier, program_task(), PROGRAM_ATTACKS[name])
