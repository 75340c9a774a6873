"""What runs inside a sandboxed process: the candidate's code and the tests around it.

Three modes, each streaming one frame per test to the result pipe as soon as it is known:

- ``function``: run the candidate's code, call ``entry_point`` on every input, send each result
  encoded by :mod:`rlvr.verifiers.plainvalue` (never compared here: expected outputs are not
  in the sandbox at all).
- ``program``: run the code once per test in a forked child with the test's text on stdin;
  send its stdout and exit status.
- ``test_code``: two processes under different uids. The candidate's process only answers calls
  (arguments in, encoded result out); the test process runs the task's ``check(candidate)`` with a
  stand-in that forwards each call, so the candidate never sees the tests and cannot fake their
  outcome. Every ``assert`` in ``check`` is counted on its own.
"""

from __future__ import annotations

import ast
import io
import os
import select
import signal
import sys
import traceback
from typing import Any

from rlvr.verifiers import plainvalue
from rlvr.verifiers.sandbox.frames import read_frame, write_frame

ERROR_CHARS = 300


class TestTimeout(BaseException):
    """Raised in the candidate's process when one test overruns its time."""


class CandidateError(Exception):
    """The candidate raised, or returned something that is not plain data."""


WARM_UP_CODE = "def _warm(a, b=2):\n    return [a, b, {'k': (a, 1.5)}]\n"
WARM_UP_TESTS = "def check(candidate):\n    assert candidate(1) == [1, 2, {'k': (1, 1.5)}]\n"


def warm_up() -> None:
    """Exercise the code paths of a run (compile, exec, encode, decode, frames) once, so a
    freshly forked process copies the memory pages they touch before its request arrives."""
    import json

    function = load_candidate(WARM_UP_CODE, "", "_warm", "warm")
    value = plainvalue.decode(json.loads(json.dumps(plainvalue.encode(function(1)))))
    exec(counted_check(WARM_UP_TESTS), {"__rlvr_record": lambda line, error: None})
    describe(ValueError(str(value)))


def describe(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}"
    return text if len(text) <= ERROR_CHARS else text[: ERROR_CHARS - 3] + "..."


def load_candidate(code: str, preamble: str, entry_point: str | None, name: str) -> Any:
    """Run ``preamble + code`` as module ``name``; the entry point (or the namespace)."""
    namespace: dict[str, Any] = {"__name__": name, "__builtins__": __builtins__}
    source = f"{preamble}\n{code}" if preamble else code
    exec(compile(source, "<solution>", "exec"), namespace)
    if entry_point is None:
        return namespace
    function = namespace.get(entry_point)
    if not callable(function):
        raise NameError(f"the code does not define a function {entry_point!r}")
    return function


def _on_alarm(signum: int, frame: object) -> None:
    raise TestTimeout("the test ran out of time")


def call_with_timeout(function: Any, args: list, kwargs: dict, seconds: float) -> Any:
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return function(*args, **kwargs)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def call_and_encode(function: Any, args: list, kwargs: dict, seconds: float) -> dict:
    """``{"ok": encoded result}`` or ``{"error": description}`` for one call."""
    try:
        result = call_with_timeout(function, args, kwargs, seconds)
        return {"ok": plainvalue.encode(result)}
    except TestTimeout:
        return {"error": f"timeout: the call took over {seconds:g} s"}
    except RecursionError:
        return {"error": "RecursionError: maximum recursion depth exceeded"}
    except BaseException as error:  # SystemExit too: exiting is a failed test, not a pass
        return {"error": describe(error)}


def load_or_report(request: dict, fd: int) -> Any:
    """The request's entry point, or ``None`` after sending a ``load_error`` frame to ``fd``."""
    try:
        return load_candidate(
            request["code"], request.get("preamble") or "", request["entry_point"], "solution"
        )
    except BaseException as error:  # SystemExit at import too: the code did not load
        write_frame(fd, {"load_error": describe(error)})
        return None


def run_function(request: dict, out: int) -> None:
    """Function mode: one ``{"i", "ok"|"error"}`` frame per input."""
    function = load_or_report(request, out)
    if function is None:
        return
    seconds = request["test_timeout"]
    for number, args in enumerate(request["inputs"]):
        outcome = call_and_encode(function, args, {}, seconds)
        write_frame(out, {"i": number, **outcome})
        if outcome.get("error", "").startswith("timeout"):
            return  # a call that loops would loop again: the remaining tests are not run


def run_program(request: dict, out: int, scratch: str) -> None:
    """Program mode: one ``{"i", "stdout", "exit", "timeout"}`` frame per input."""
    try:
        program = compile(request["code"], "<solution>", "exec")
    except BaseException as error:
        write_frame(out, {"load_error": describe(error)})
        return
    for number, text in enumerate(request["inputs"]):
        stdin_path = os.path.join(scratch, f"stdin-{number}")
        stdout_path = os.path.join(scratch, f"stdout-{number}")
        with open(stdin_path, "w", encoding="utf-8") as handle:
            handle.write(text)
        status, timed_out = _run_program_once(
            program, stdin_path, stdout_path, request["test_timeout"]
        )
        stdout = _read_capped(stdout_path, request["output_bytes"])
        write_frame(out, {"i": number, "stdout": stdout, "exit": status, "timeout": timed_out})
        os.unlink(stdin_path)
        os.unlink(stdout_path)
        if timed_out:
            return  # a program that loops would loop again: the remaining tests are not run


def _run_program_once(program: Any, stdin_path: str, stdout_path: str, seconds: float):
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.dup2(os.open(stdin_path, os.O_RDONLY), 0)
            os.dup2(os.open(stdout_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 1)
            sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")
            sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8")
            try:
                exec(program, {"__name__": "__main__", "__builtins__": __builtins__})
                code = 0
            except SystemExit as exit_:
                code = (
                    exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
                )
            except BaseException:
                traceback.print_exc(limit=5)
            sys.stdout.flush()
        finally:
            os._exit(code)
    timed_out = not _wait(pid, seconds)
    if timed_out:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), timed_out


def _wait(pid: int, seconds: float) -> bool:
    """Wait up to ``seconds`` for child ``pid`` to exit; whether it did."""
    fd = os.pidfd_open(pid)
    try:
        return bool(select.select([fd], [], [], seconds)[0])
    finally:
        os.close(fd)


def _read_capped(path: str, limit: int) -> str:
    with open(path, "rb") as handle:
        return handle.read(limit).decode("utf-8", "replace")


# -- test_code mode -------------------------------------------------------------------------------


def serve_candidate(request: dict, calls: int, replies: int) -> None:
    """The candidate's side of test_code mode: answer ``{"args", "kwargs"}`` call frames."""
    stream = os.fdopen(calls, "rb")
    function = load_or_report(request, replies)
    if function is None:
        return
    write_frame(replies, {"ready": True})
    seconds = request["test_timeout"]
    while (call := read_frame(stream)) is not None:
        try:
            args = plainvalue.decode(call["args"])
            kwargs = plainvalue.decode(call["kwargs"])
        except (KeyError, ValueError) as error:
            write_frame(replies, {"error": describe(error)})
            continue
        write_frame(replies, call_and_encode(function, args, kwargs, seconds))


class CandidateProxy:
    """Stands in for the candidate inside ``check``: each call goes to the candidate's process."""

    def __init__(self, calls: int, replies: int) -> None:
        self.calls = calls
        self.replies = os.fdopen(replies, "rb")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            message = {"args": plainvalue.encode(list(args)), "kwargs": plainvalue.encode(kwargs)}
            write_frame(self.calls, message)
        except (OSError, ValueError) as error:
            raise CandidateError(f"the call could not be sent: {describe(error)}") from None
        reply = read_frame(self.replies)
        if reply is None:
            raise CandidateError("the candidate's process exited")
        if "error" in reply:
            raise CandidateError(reply["error"])
        return plainvalue.decode(reply["ok"])


class _CountAsserts(ast.NodeTransformer):
    """Rewrites every ``assert`` inside ``check`` to record its outcome and go on."""

    def visit_Assert(self, node: ast.Assert) -> ast.AST:
        record = ast.parse(
            "try:\n"
            "    pass\n"
            "except Exception as __rlvr_error:\n"
            f"    __rlvr_record({node.lineno}, __rlvr_error)\n"
            "else:\n"
            f"    __rlvr_record({node.lineno}, None)\n"
        ).body[0]
        record.body = [node]
        return ast.copy_location(record, node)


def counted_check(test_code: str) -> Any:
    """``test_code`` compiled with each assert of its ``check`` function counted."""
    tree = ast.parse(test_code)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "check":
            _CountAsserts().visit(node)
    return compile(ast.fix_missing_locations(tree), "<tests>", "exec")


def run_checks(request: dict, out: int, candidate: CandidateProxy, ready: dict) -> None:
    """The test side of test_code mode. With ``count_asserts``, one ``{"i", "passed",
    "error"}`` frame per assert executed (each assert counted on its own, the rest going on
    after a failure); otherwise one frame for the whole ``check``, which stops at the first
    failure."""
    if "load_error" in ready:
        write_frame(out, {"load_error": ready["load_error"]})
        return
    count = 0

    def record(line: int, error: BaseException | None) -> None:
        nonlocal count
        message = None if error is None else f"line {line}: {describe(error)}"
        write_frame(out, {"i": count, "passed": error is None, "error": message})
        count += 1

    namespace: dict[str, Any] = {"__name__": "tests", "__rlvr_record": record}
    try:
        if request.get("preamble"):
            exec(compile(request["preamble"], "<preamble>", "exec"), namespace)
        # the entry point's name means the candidate, as in ``prompt + completion + tests``
        namespace[request["entry_point"]] = candidate
        if request.get("count_asserts"):
            exec(counted_check(request["test_code"]), namespace)
        else:
            exec(compile(request["test_code"], "<tests>", "exec"), namespace)
        namespace["check"](candidate)
        if not request.get("count_asserts"):
            write_frame(out, {"i": 0, "passed": True, "error": None})
    except BaseException as error:
        where = failing_line(error, request["test_code"])
        write_frame(out, {"i": count, "passed": False, "error": f"{where}{describe(error)}"})


def failing_line(error: BaseException, test_code: str) -> str:
    """``"line N: <source>: "`` for the line of the tests where ``error`` surfaced, or ``""``."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == "<tests>"]
    if not frames or not frames[-1].lineno:
        return ""
    lines = test_code.splitlines()
    number = frames[-1].lineno
    source = lines[number - 1].strip() if number <= len(lines) else ""
    if len(source) > 150:
        source = source[:147] + "..."
    return f"line {number}: {source}: " if source else f"line {number}: "
