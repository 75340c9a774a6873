"""The sandbox's fork server: ``python -m rlvr.verifiers.sandbox.server --slot N``.

A warm interpreter (common standard-library modules already imported) that reads run requests
as frames on stdin and answers each with one frame on stdout. Per run it forks a keeper process
that opens a fresh PID namespace and forks the run's first process into it; the server enforces
the wall-clock limit by killing that process (which takes the whole namespace with it), collects
the streamed per-test frames, reads the output tails and removes the scratch directory.

Two pipes come back from each run. The *setup* pipe carries failures of the sandbox itself;
every process of the run closes it before any of the candidate's code runs, so nothing on it can
come from that code, and only it can make a run's status ``error``. The *result* pipe carries the
per-test frames; the candidate's code can write on it (it runs in the same process as the
harness), so what it holds is taken as the candidate's word: a malformed, oversized or too
deeply nested stream is a run that failed its remaining tests, never a sandbox error.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import io
import os
import select
import shutil
import signal
import sys
import tempfile
import time
from typing import Any, NamedTuple

from rlvr.verifiers.sandbox import harness, isolation
from rlvr.verifiers.sandbox.frames import (
    MAX_RESULT_BYTES,
    MAX_RESULT_DEPTH,
    FrameError,
    read_frame,
    write_frame,
)

WARM_MODULES = [
    "bisect",
    "collections",
    "copy",
    "dataclasses",
    "datetime",
    "decimal",
    "fractions",
    "functools",
    "heapq",
    "itertools",
    "json",
    "math",
    "operator",
    "random",
    "re",
    "statistics",
    "string",
    "typing",
    "unicodedata",
]


class Spare(NamedTuple):
    """A run started ahead of its request: its first process waits on ``requests``."""

    first: int
    requests: int
    results: int
    setup: int
    """Read end of the setup pipe: failures of the sandbox itself, written before the candidate's
    code runs."""
    scratch: str
    paired: bool
    """Whether a candidate process was forked beside the first (test_code runs need one)."""


class Server:
    def __init__(self, slot: int, mode: isolation.Isolation, tmpfs_mb: int) -> None:
        self.mode = mode
        self.test_uid = isolation.BASE_UID + 2 * slot
        self.candidate_uid = self.test_uid + 1
        self.own_pid_namespace = -1
        if mode == "namespaces":
            isolation.unshare(isolation.CLONE_NEWNET | isolation.CLONE_NEWNS)
            isolation.enter_private_mounts(tmpfs_mb)
            isolation.expose_python(
                [sys.prefix, sys.base_prefix, sys.exec_prefix, *filter(None, sys.path)]
            )
            self.own_pid_namespace = os.open("/proc/self/ns/pid", os.O_RDONLY)
        self.root = tempfile.mkdtemp(prefix="rlvr-sandbox-")
        os.chmod(self.root, 0o711)
        atexit.register(shutil.rmtree, self.root, True)
        self.spare: Spare | None = None

    # -- one run ----------------------------------------------------------------------------------

    def run(self, request: dict) -> dict:
        start = time.monotonic()
        paired = request["mode"] == "test_code"
        run, self.spare = self.spare, None
        if run is not None and run.paired != paired:
            self._discard(run)
            run = None
        run = run or self.start_spare(paired)
        try:
            return self._run(run, request, start)
        finally:  # whatever happened, the run's files go: the next run gets a clean disk
            for fd in (run.results, run.setup):
                with contextlib.suppress(OSError):
                    os.close(fd)
            self._clean(run.scratch)

    def _run(self, run: Spare, request: dict, start: float) -> dict:
        try:
            write_frame(run.requests, request)
        except OSError:
            pass  # the spare died: collected below as a run that said nothing
        finally:
            os.close(run.requests)
        with contextlib.suppress(OSError):  # the next run is forked meanwhile (or by itself)
            self.spare = self.start_spare(request["mode"] == "test_code")
        try:
            deadline = start + request["timeout"]
            data, status, message = self._collect(run.results, run.first, deadline)
        finally:
            os.waitpid(run.first, 0)
        frames, status, message = _results(data, status, message)
        setup_error = _setup_error(run.setup)
        if setup_error is not None:
            frames, status, message = [], "error", f"sandbox setup failed: {setup_error}"
        return {
            "status": status,
            "message": message,
            "frames": frames,
            "seconds": time.monotonic() - start,
            "stdout": _tail(os.path.join(run.scratch, "stdout"), request["output_bytes"]),
            "stderr": _tail(os.path.join(run.scratch, "stderr"), request["output_bytes"]),
        }

    def _discard(self, spare: Spare) -> None:
        """End an unused spare: closing its request pipe makes it exit."""
        for fd in (spare.requests, spare.results, spare.setup):
            os.close(fd)
        self._kill(spare.first)
        os.waitpid(spare.first, 0)
        self._clean(spare.scratch)

    def _clean(self, scratch: str) -> None:
        """Remove a run's scratch directory, any other left in the server's root but the spare's,
        and (with namespaces) whatever the run left in the private tmpfs directories."""
        shutil.rmtree(scratch, ignore_errors=True)
        spare = os.path.basename(self.spare.scratch) if self.spare else None
        _empty_dir(self.root, keep=spare)
        if self.mode == "namespaces":
            for path in isolation.PRIVATE_DIRS:
                _empty_dir(path, keep=os.path.basename(self.root))

    def start_spare(self, paired: bool) -> Spare:
        """Fork the next run's first process (PID 1 of a fresh PID namespace) and, for
        test_code runs, the candidate's process beside it; they wait for the request, so a
        run's start-up is off its critical path."""
        scratch = tempfile.mkdtemp(dir=self.root)
        if os.geteuid() == 0:
            os.chown(scratch, self.candidate_uid, self.candidate_uid)
        requests_r, requests_w = os.pipe()
        results_r, results_w = os.pipe()
        setup_r, setup_w = os.pipe()
        if self.mode == "namespaces":
            isolation.setns(self.own_pid_namespace, isolation.CLONE_NEWPID)
            isolation.unshare(isolation.CLONE_NEWPID)
        first = os.fork()
        if first == 0:
            for fd in (requests_w, results_r, setup_r):
                os.close(fd)
            setup = SetupPipe(setup_w)
            if paired:
                self._test_side(scratch, requests_r, results_w, setup)
            else:
                self._single(scratch, requests_r, results_w, setup)
        for fd in (requests_r, results_w, setup_w):
            os.close(fd)
        os.set_blocking(setup_r, False)
        return Spare(first, requests_w, results_r, setup_r, scratch, paired)

    def _single(self, scratch: str, requests: int, out: int, setup: SetupPipe) -> None:
        """A function or program run: this one process runs the harness as the candidate."""
        code = 0
        try:
            _prepare(scratch, (requests, out, setup.fd), self.mode == "namespaces")
            request = read_frame(os.fdopen(requests, "rb"))
            if request is not None:
                self._candidate(request, scratch, setup, harness.Results(out), -1, -1)
        except BaseException as error:
            code = setup.report(error, out)
        finally:
            _flush_and_exit(code)

    def _test_side(self, scratch: str, requests: int, out: int, setup: SetupPipe) -> None:
        """A test_code run: this process runs the task's tests as the test uid and forks the
        candidate's process, which answers calls as the candidate uid; the candidate never
        receives the tests and cannot write to the result pipe."""
        code = 0
        try:
            to_candidate_r, to_candidate_w = os.pipe()
            calls_r, calls_w = os.pipe()
            replies_r, replies_w = os.pipe()
            pipes = (to_candidate_r, to_candidate_w, calls_r, calls_w, replies_r, replies_w)
            _prepare(scratch, (requests, out, setup.fd, *pipes), self.mode == "namespaces")
            if os.fork() == 0:
                child_code = 0
                try:
                    for fd in (requests, out, to_candidate_w, calls_w, replies_r):
                        os.close(fd)
                    request = read_frame(os.fdopen(to_candidate_r, "rb"))
                    if request is not None:
                        self._candidate(request, scratch, setup, None, calls_r, replies_w)
                except BaseException as error:
                    child_code = setup.report(error, -1)
                finally:
                    _flush_and_exit(child_code)
            for fd in (to_candidate_r, calls_r, replies_w):
                os.close(fd)
            request = read_frame(os.fdopen(requests, "rb"))
            if request is None:
                return  # the server went away before sending a request
            limits = request["limits"]
            isolation.set_limits(**limits)
            isolation.drop_privileges(self.test_uid, limits["processes"])
            deadline = harness.run_deadline(request)
            setup.close()  # from here on the candidate's code may run: a failure is a failed test
            write_frame(to_candidate_w, {k: v for k, v in request.items() if k != "test_code"})
            os.close(to_candidate_w)
            proxy = harness.CandidateProxy(
                calls_w,
                replies_r,
                request["test_timeout"],
                deadline,
                lenient=bool(request.get("count_asserts")),
            )
            harness.run_checks(request, harness.Results(out), proxy, proxy.handshake())
        except BaseException as error:
            code = setup.report(error, out)
        finally:
            os._exit(code)

    def _candidate(
        self,
        request: dict,
        scratch: str,
        setup: SetupPipe,
        results: harness.Results | None,
        calls: int,
        replies: int,
    ) -> None:
        """Become the candidate uid under the run's limits, close the setup pipe and run the
        untrusted code."""
        limits = request["limits"]
        isolation.set_limits(**limits)
        isolation.drop_privileges(self.candidate_uid, limits["processes"])
        setup.close()
        mode = request["mode"]
        if mode == "test_code":
            harness.serve_candidate(request, calls, replies)
        elif mode == "function":
            harness.run_function(request, results)
        else:
            harness.run_program(request, results, scratch)

    def _collect(self, fd: int, first: int, deadline: float) -> tuple[bytes, str, str]:
        """What the run wrote to its result pipe until its first process exited, or until the
        deadline or the size limit (then the run is killed): ``(data, status, message)``."""
        buffer = bytearray()
        status, message = "ok", ""
        done = os.pidfd_open(first)
        try:
            while True:
                left = deadline - time.monotonic()
                ready = select.select([fd, done], [], [], left)[0] if left > 0 else []
                if not ready:
                    status, message = "timeout", "the run went over its time limit and was killed"
                    break
                if fd not in ready:  # the run is over: take what is left in the pipe
                    os.set_blocking(fd, False)
                chunk = _read_some(fd)
                if not chunk:
                    break
                buffer += chunk
                if len(buffer) > MAX_RESULT_BYTES:
                    message = f"the run wrote over {MAX_RESULT_BYTES:,} bytes of results"
                    del buffer[MAX_RESULT_BYTES:]
                    break
        finally:
            os.close(done)
            self._kill(first)
        return bytes(buffer), status, message

    def _kill(self, first: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            if self.mode == "namespaces":
                os.kill(first, signal.SIGKILL)  # PID 1 of the namespace: all of it dies
            else:
                os.killpg(first, signal.SIGKILL)


class SetupPipe:
    """A run process's end of the setup pipe, where it reports a failure of the sandbox itself
    (limits, privileges, a harness that cannot start). Closed before the candidate's code runs:
    a process cannot reopen a descriptor it closed, and the other end is the server's, outside
    the run's PID namespace, so nothing the candidate does can write on it."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def report(self, error: BaseException, out: int) -> int:
        """Report ``error`` (best effort): on the setup pipe while it is open, else as a
        ``stopped`` frame on the result pipe ``out`` (the candidate's word by then, shown but
        never trusted). The exit status to use."""
        fd, key = (self.fd, "setup_error") if self.fd >= 0 else (out, "stopped")
        if fd >= 0:
            with contextlib.suppress(OSError, ValueError):
                write_frame(fd, {key: harness.describe(error)})
        return 1


def _prepare(scratch: str, keep: tuple[int, ...], own_proc: bool) -> None:
    """Common start of a run's first process: own session (and ``/proc`` when it is PID 1 of
    a namespace), output files, scratch directory, and no file descriptor of the server's but
    ``keep``."""
    if own_proc:
        isolation.mount_own_proc()
    os.setsid()
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    _redirect(scratch)
    os.chdir(scratch)
    isolation.close_other_fds(keep)


def _flush_and_exit(code: int) -> None:
    """Exit at once (no atexit handlers of the candidate's), keeping what was printed."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def _redirect(scratch: str) -> None:
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    for fd, name in ((1, "stdout"), (2, "stderr")):
        target = os.open(os.path.join(scratch, name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        os.dup2(target, fd)
        os.close(target)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115


def _read_some(fd: int) -> bytes:
    try:
        return os.read(fd, 1 << 16)
    except BlockingIOError:
        return b""


def _tail(path: str, limit: int) -> str:
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - limit))
            return handle.read(limit).decode("utf-8", "replace")
    except OSError:
        return ""


def _results(data: bytes, status: str, message: str) -> tuple[list[dict], str, str]:
    """The test frames in what the run wrote to its result pipe, as ``(frames, status,
    message)``. It is the candidate's word: frames that are not objects are dropped, a
    ``stopped`` frame only becomes the message, and a stream that turns malformed (garbage,
    cut short, nested too deeply) ends the frames there, as a run that stopped."""
    stream, frames = io.BytesIO(data), []
    while True:
        try:
            frame = read_frame(stream, MAX_RESULT_BYTES, depth=MAX_RESULT_DEPTH)
        except FrameError as error:
            return frames, status, message or f"the run wrote a malformed result: {error}"
        if frame is None:
            return frames, status, message
        if isinstance(frame, dict) and "stopped" in frame:
            message = message or f"the run stopped: {str(frame['stopped'])[:300]}"
        elif isinstance(frame, dict):
            frames.append(frame)


def _setup_error(fd: int) -> str | None:
    """The sandbox failure reported on a run's setup pipe (read once the run is over), if any."""
    data = bytearray()
    while chunk := _read_some(fd):
        data += chunk
    try:
        frames = _split_frames(bytes(data))
    except FrameError as error:  # only the harness writes there: still the sandbox's failure
        return f"malformed setup report: {error}"
    errors = (f["setup_error"] for f in frames if isinstance(f, dict) and "setup_error" in f)
    return next((str(error) for error in errors), None)


def _split_frames(data: bytes) -> list[Any]:
    stream, frames = io.BytesIO(data), []
    while (frame := read_frame(stream)) is not None:
        frames.append(frame)
    return frames


def _empty_dir(path: str, keep: str | None) -> None:
    """Remove everything in ``path`` but the entry named ``keep``."""
    with contextlib.suppress(OSError), os.scandir(path) as entries:
        for entry in entries:
            if entry.name == keep:
                continue
            target = os.path.join(path, entry.name)
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(target, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    os.unlink(target)


def main() -> None:
    parser = argparse.ArgumentParser(description="rlvr sandbox fork server")
    parser.add_argument("--slot", type=int, default=0)
    parser.add_argument("--isolation", choices=["namespaces", "basic"], default="basic")
    parser.add_argument("--tmpfs-mb", type=int, default=64)
    args = parser.parse_args()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the client decides when the server ends
    for name in WARM_MODULES:
        __import__(name)
    harness.warm_up()
    gc.freeze()  # the collector never walks these objects again: forks keep sharing their pages
    requests = sys.stdin.buffer
    replies = os.dup(1)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # nothing else may write on the reply pipe
    try:
        server = Server(args.slot, args.isolation, args.tmpfs_mb)
    except OSError as error:
        write_frame(replies, {"ready": False, "message": harness.describe(error)})
        return
    write_frame(replies, {"ready": True, "isolation": args.isolation})
    while (request := read_frame(requests)) is not None:
        try:
            response = server.run(request)
        except Exception as error:  # a bug or a resource failure: report, keep serving
            response = {"status": "error", "message": harness.describe(error), "frames": []}
        write_frame(replies, response)


if __name__ == "__main__":
    main()
