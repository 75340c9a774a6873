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

Results go through :class:`Results`, which keeps them within what the server reads
(:data:`~rlvr.verifiers.sandbox.frames.MAX_RESULT_BYTES`): a result too large to send back is
sent as that test's failure.
"""

from __future__ import annotations

import ast
import functools
import io
import os
import select
import signal
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from rlvr.verifiers import plainvalue
from rlvr.verifiers.sandbox.frames import (
    HEADER,
    MAX_FRAME_BYTES,
    MAX_RESULT_BYTES,
    FrameError,
    pack,
    parse,
    read_frame,
    write_frame,
    write_packed,
)

ERROR_CHARS = 300
RESULT_RESERVE_BYTES = 256 * 1024
"""Room kept in a run's result budget for the short frames that replace results too large."""
CALL_GRACE_SECONDS = 1.0
"""test_code mode: how much longer than a test's time the tests wait for the candidate's answer
(its own alarm answers at the test's time; this covers encoding and sending the result)."""


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


class Results:
    """A run's result pipe, kept within the :data:`MAX_RESULT_BYTES` the server reads: a test's
    frame that does not fit (a huge return value, say) is replaced by a short frame failing that
    test, so a result too large to send back is a failed test, not a broken result stream; the
    run then stops, as after a timeout (the next results would not fit either)."""

    def __init__(self, fd: int, budget: int = MAX_RESULT_BYTES - 4096) -> None:
        self.fd = fd
        self.left = budget

    def send(self, message: dict) -> bool:
        """Send ``message``, or its replacement; whether it went as it was."""
        data = pack(message)
        whole = len(data) <= self.left - RESULT_RESERVE_BYTES or "i" not in message
        if not whole:
            error = (
                f"the result is too large to send back ({len(data):,} bytes encoded; a run's "
                f"results may take {MAX_RESULT_BYTES:,} bytes in all)"
            )
            data = pack({"i": message["i"], "error": error})
        if len(data) > self.left:
            return False  # nothing fits any more: the test counts as not run
        write_packed(self.fd, data)
        self.left -= len(data)
        return whole


def load_or_report(request: dict, send: Callable[[dict], Any]) -> Any:
    """The request's entry point, or ``None`` after sending a ``load_error`` frame."""
    try:
        return load_candidate(
            request["code"], request.get("preamble") or "", request["entry_point"], "solution"
        )
    except BaseException as error:  # SystemExit at import too: the code did not load
        send({"load_error": describe(error)})
        return None


def run_function(request: dict, results: Results) -> None:
    """Function mode: one ``{"i", "ok"|"error"}`` frame per input."""
    function = load_or_report(request, results.send)
    if function is None:
        return
    seconds = request["test_timeout"]
    for number, args in enumerate(request["inputs"]):
        outcome = call_and_encode(function, args, {}, seconds)
        if not results.send({"i": number, **outcome}):
            return  # no room for more results: the remaining tests are not run
        if outcome.get("error", "").startswith("timeout"):
            return  # a call that loops would loop again: the remaining tests are not run


def run_program(request: dict, results: Results, scratch: str) -> None:
    """Program mode: one ``{"i", "stdout", "exit", "timeout"}`` frame per input."""
    try:
        program = compile(request["code"], "<solution>", "exec")
    except BaseException as error:
        results.send({"load_error": describe(error)})
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
        sent = results.send({"i": number, "stdout": stdout, "exit": status, "timeout": timed_out})
        os.unlink(stdin_path)
        os.unlink(stdout_path)
        if timed_out or not sent:
            return  # a program that loops would loop again; no room for more results


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
    function = load_or_report(request, functools.partial(write_frame, replies))
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


def run_deadline(request: dict) -> float:
    """When the test side stops waiting for the candidate: a little before the server kills the
    run, so that the tests still finish and report every assert."""
    timeout = request["timeout"]
    return time.monotonic() + timeout - min(1.0, timeout / 5)


class CandidateProxy:
    """Stands in for the candidate inside ``check``: each call goes to the candidate's process.

    Everything read from that process is the candidate's word, checked here. A call that gets no
    answer in time (the test's time and a grace, or what is left before ``deadline``), that the
    candidate's own alarm ends, or whose answer breaks the protocol, ends the candidate's turn:
    it is never asked again and every later call fails at once, so ``check`` runs to its end
    with each remaining assert failed instead of the run being killed with them unrun.

    ``lenient`` (asserts counted one by one): a failed call returns ``None`` instead of raising
    and the next assert counted fails whatever it finds (:meth:`take_failure`), so a call that
    fails outside an assert (``x = candidate(...)`` in a loop) fails an assert rather than
    ending ``check``.
    """

    def __init__(
        self, calls: int, replies: int, seconds: float, deadline: float, lenient: bool = False
    ) -> None:
        self.calls, self.replies = calls, replies
        self.seconds, self.deadline, self.lenient = seconds, deadline, lenient
        self.gone: str | None = None
        """Why the candidate is no longer asked (see :meth:`_give_up`), once it is not."""
        self.failure: str | None = None
        os.set_blocking(calls, False)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return self._call(list(args), kwargs)
        except CandidateError as error:
            if not self.lenient:
                raise
            self.failure = self.failure or str(error)
            return None

    def take_failure(self) -> str | None:
        """The failure of a call since the last assert counted, if any (then forgotten)."""
        failure, self.failure = self.failure, None
        return failure

    def handshake(self) -> dict:
        """The candidate process's first message once its code ran: ``{"ready": True}`` or
        ``{"load_error": ...}``; anything else is a load error (the code wrote on the pipe)."""
        try:
            reply = self._receive(self.deadline)
        except TimeoutError:
            return {"load_error": "the code did not finish loading within the run's time"}
        except CandidateError as error:
            return {"load_error": str(error)}
        if isinstance(reply, dict) and (
            reply.get("ready") is True or isinstance(reply.get("load_error"), str)
        ):
            return reply
        return {"load_error": "the candidate's process sent something other than its answer"}

    def _call(self, args: list, kwargs: dict) -> Any:
        if self.gone:
            raise CandidateError(self.gone)
        try:
            message = pack({"args": plainvalue.encode(args), "kwargs": plainvalue.encode(kwargs)})
        except ValueError as error:
            raise CandidateError(f"the call could not be sent: {describe(error)}") from None
        deadline = min(time.monotonic() + self.seconds + CALL_GRACE_SECONDS, self.deadline)
        try:
            self._send(message, deadline)
            reply = self._receive(deadline)
        except TimeoutError:
            raise self._give_up(f"timeout: no answer within {self.seconds:g} s") from None
        except OSError as error:
            raise self._give_up(f"the call could not be sent: {describe(error)}") from None
        except CandidateError as error:
            raise self._give_up(str(error)) from None
        if not isinstance(reply, dict) or len(reply) != 1 or not {"ok", "error"} & set(reply):
            raise self._give_up("the candidate's process broke the call protocol")
        if "error" in reply:
            error = str(reply["error"])[:ERROR_CHARS]
            raise self._give_up(error) if error.startswith("timeout") else CandidateError(error)
        try:
            return plainvalue.decode(reply["ok"])
        except ValueError as error:
            raise CandidateError(f"the answer is not plain data: {describe(error)}") from None

    def _give_up(self, reason: str) -> CandidateError:
        """Never ask the candidate again (out of time, gone, or its answers cannot be trusted to
        line up with the calls): every later call fails with ``reason``."""
        self.gone = reason
        return CandidateError(reason)

    def _send(self, data: bytes, deadline: float) -> None:
        view = memoryview(data)
        while view:
            _ready(self.calls, deadline, write=True)
            view = view[os.write(self.calls, view) :]

    def _receive(self, deadline: float) -> Any:
        """The candidate's next frame; :class:`CandidateError` if it is malformed or the
        process exited, :class:`TimeoutError` at ``deadline``."""
        header = self._read(HEADER.size, deadline)
        if len(header) < HEADER.size:
            raise CandidateError("the candidate's process exited")
        (size,) = HEADER.unpack(header)
        if size > MAX_FRAME_BYTES:
            raise CandidateError(f"the candidate's answer is over {MAX_FRAME_BYTES:,} bytes")
        data = self._read(size, deadline)
        if len(data) < size:
            raise CandidateError("the candidate's process exited")
        try:
            return parse(data)
        except FrameError as error:
            raise CandidateError(f"the candidate's answer is malformed: {error}") from None

    def _read(self, size: int, deadline: float) -> bytes:
        data = bytearray()
        while len(data) < size:
            _ready(self.replies, deadline)
            chunk = os.read(self.replies, min(size - len(data), 1 << 20))
            if not chunk:
                break
            data += chunk
        return bytes(data)


def _ready(fd: int, deadline: float, write: bool = False) -> None:
    """Wait until ``fd`` can be read (or written); :class:`TimeoutError` at ``deadline``."""
    left = deadline - time.monotonic()
    readers, writers = ([], [fd]) if write else ([fd], [])
    if left <= 0 or not any(select.select(readers, writers, [], left)[:2]):
        raise TimeoutError


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


def run_checks(request: dict, results: Results, candidate: CandidateProxy, ready: dict) -> None:
    """The test side of test_code mode. With ``count_asserts``, one ``{"i", "passed",
    "error"}`` frame per assert executed (each assert counted on its own, the rest going on
    after a failure; a failure the candidate caused outside any assert fails the next one, or
    one more frame at the end; ``"aborted"`` on the last frame when ``check`` itself stopped
    early); otherwise one frame for the whole ``check``, which stops at the first failure."""
    if "load_error" in ready:
        results.send({"load_error": ready["load_error"]})
        return
    counting = bool(request.get("count_asserts"))
    count = 0

    def record(line: int, error: BaseException | None) -> None:
        nonlocal count
        failure = candidate.take_failure()
        if failure is not None:
            error = CandidateError(failure)
        message = None if error is None else f"line {line}: {describe(error)}"
        results.send({"i": count, "passed": error is None, "error": message})
        count += 1

    namespace: dict[str, Any] = {"__name__": "tests", "__rlvr_record": record}
    try:
        if request.get("preamble"):
            exec(compile(request["preamble"], "<preamble>", "exec"), namespace)
        # the entry point's name means the candidate, as in ``prompt + completion + tests``
        namespace[request["entry_point"]] = candidate
        if counting:
            exec(counted_check(request["test_code"]), namespace)
        else:
            exec(compile(request["test_code"], "<tests>", "exec"), namespace)
        namespace["check"](candidate)
        failure = candidate.take_failure()
        if failure is not None:  # a call failed after the last assert
            results.send({"i": count, "passed": False, "error": f"after the asserts: {failure}"})
        elif not counting:
            results.send({"i": 0, "passed": True, "error": None})
    except BaseException as error:
        where = failing_line(error, request["test_code"])
        frame = {"i": count, "passed": False, "error": f"{where}{describe(error)}"}
        results.send({**frame, "aborted": True} if counting else frame)


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
