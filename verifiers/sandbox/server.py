"""The sandbox's fork server: ``python -m rlvr.verifiers.sandbox.server --slot N``.

A warm interpreter (common standard-library modules already imported) that reads run requests
as frames on stdin and answers each with one frame on stdout. Per run it forks a keeper process
that opens a fresh PID namespace and forks the run's first process into it; the server enforces
the wall-clock limit by killing that process (which takes the whole namespace with it), collects
the streamed per-test frames, reads the output tails and removes the scratch directory.
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
from rlvr.verifiers.sandbox.frames import FrameError, read_frame, write_frame

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
MAX_RESULT_BYTES = 16 * 1024 * 1024


class Spare(NamedTuple):
    """A run started ahead of its request: its first process waits on ``requests``."""

    first: int
    requests: int
    results: int
    scratch: str


class Server:
    def __init__(self, slot: int, mode: isolation.Isolation, tmpfs_mb: int) -> None:
        self.mode = mode
        self.test_uid = isolation.BASE_UID + 2 * slot
        self.candidate_uid = self.test_uid + 1
        self.own_pid_namespace = -1
        if mode == "namespaces":
            isolation.unshare(isolation.CLONE_NEWNET | isolation.CLONE_NEWNS)
            isolation.enter_private_mounts(tmpfs_mb)
            self.own_pid_namespace = os.open("/proc/self/ns/pid", os.O_RDONLY)
        self.root = tempfile.mkdtemp(prefix="rlvr-sandbox-")
        os.chmod(self.root, 0o711)
        atexit.register(shutil.rmtree, self.root, True)
        self.spare: Spare | None = None

    # -- one run ----------------------------------------------------------------------------------

    def run(self, request: dict) -> dict:
        start = time.monotonic()
        run = self.spare or self.start_spare()
        self.spare = None
        try:
            write_frame(run.requests, request)
        except OSError:
            pass  # the spare died: collected below as a run that said nothing
        finally:
            os.close(run.requests)
        self.spare = self.start_spare()  # forked while this run works
        try:
            deadline = start + request["timeout"]
            frames, status, message = self._collect(run.results, run.first, deadline)
        finally:
            os.close(run.results)
            os.waitpid(run.first, 0)
        response = {
            "status": status,
            "message": message,
            "frames": frames,
            "seconds": time.monotonic() - start,
            "stdout": _tail(os.path.join(run.scratch, "stdout"), request["output_bytes"]),
            "stderr": _tail(os.path.join(run.scratch, "stderr"), request["output_bytes"]),
        }
        shutil.rmtree(run.scratch, ignore_errors=True)
        if self.mode == "namespaces":
            _empty_private_dirs(keep=os.path.basename(self.root))
        return response

    def start_spare(self) -> Spare:
        """Fork the next run's first process (PID 1 of a fresh PID namespace) and its candidate
        process; both wait for the request, so a run's start-up is off its critical path."""
        scratch = tempfile.mkdtemp(dir=self.root)
        if os.geteuid() == 0:
            os.chown(scratch, self.candidate_uid, self.candidate_uid)
        requests_r, requests_w = os.pipe()
        results_r, results_w = os.pipe()
        if self.mode == "namespaces":
            isolation.setns(self.own_pid_namespace, isolation.CLONE_NEWPID)
            isolation.unshare(isolation.CLONE_NEWPID)
        first = os.fork()
        if first == 0:
            os.close(requests_w)
            os.close(results_r)
            self._first(scratch, requests_r, results_w)
        os.close(requests_r)
        os.close(results_w)
        return Spare(first, requests_w, results_r, scratch)

    def _first(self, scratch: str, requests: int, out: int) -> None:
        """The run's first process: it and the candidate's process it forks wait for the
        request; the candidate then runs the harness (function and program modes) or answers
        calls while this process runs the task's tests (test_code mode)."""
        code = 0
        try:
            os.setsid()
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            _redirect(scratch)
            os.chdir(scratch)
            to_candidate_r, to_candidate_w = os.pipe()
            calls_r, calls_w = os.pipe()
            replies_r, replies_w = os.pipe()
            isolation.close_other_fds(
                (
                    requests,
                    out,
                    to_candidate_r,
                    to_candidate_w,
                    calls_r,
                    calls_w,
                    replies_r,
                    replies_w,
                )
            )
            candidate = os.fork()
            if candidate == 0:
                for fd in (requests, to_candidate_w, calls_w, replies_r):
                    os.close(fd)
                self._candidate(scratch, to_candidate_r, out, calls_r, replies_w)
            for fd in (to_candidate_r, calls_r, replies_w):
                os.close(fd)
            harness.warm_up()
            request = read_frame(os.fdopen(requests, "rb"))
            if request is None:
                return  # the server went away before sending a request
            limits = request["limits"]
            isolation.set_limits(**limits)
            isolation.drop_privileges(self.test_uid, limits["processes"])
            write_frame(to_candidate_w, {k: v for k, v in request.items() if k != "test_code"})
            os.close(to_candidate_w)
            if request["mode"] == "test_code":
                proxy = harness.CandidateProxy(calls_w, replies_r)
                ready = read_frame(proxy.replies) or {
                    "load_error": "the candidate's process exited"
                }
                harness.run_checks(request, out, proxy, ready)
            else:
                os.close(out)
                os.waitpid(candidate, 0)
        except BaseException as error:
            code = 1
            with contextlib.suppress(OSError):
                write_frame(out, {"setup_error": harness.describe(error)})
        finally:
            os._exit(code)

    def _candidate(self, scratch: str, requests: int, out: int, calls: int, replies: int) -> None:
        """The candidate's process: runs the untrusted code as its own unprivileged uid."""
        code = 0
        try:
            harness.warm_up()
            request = read_frame(os.fdopen(requests, "rb"))
            if request is None:
                return
            limits = request["limits"]
            isolation.set_limits(**limits)
            isolation.drop_privileges(self.candidate_uid, limits["processes"])
            mode = request["mode"]
            if mode == "test_code":
                os.close(out)  # the tests' outcome is reported by the other process only
                harness.serve_candidate(request, calls, replies)
            elif mode == "function":
                harness.run_function(request, out)
            else:
                harness.run_program(request, out, scratch)
        except BaseException as error:
            code = 1
            with contextlib.suppress(OSError):
                write_frame(out, {"setup_error": harness.describe(error)})
        finally:
            os._exit(code)

    def _collect(self, fd: int, first: int, deadline: float):
        """Frames from the run until its first process exits; at the deadline the run is
        killed. Returns ``(frames, status, message)``."""
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
                    status, message = "error", "the run wrote too much to its result pipe"
                    break
        finally:
            os.close(done)
            self._kill(first)
        try:
            frames = _split_frames(bytes(buffer))
        except FrameError as error:
            frames, status, message = [], "error", f"malformed result from the run: {error}"
        return frames, status, message

    def _kill(self, first: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            if self.mode == "namespaces":
                os.kill(first, signal.SIGKILL)  # PID 1 of the namespace: all of it dies
            else:
                os.killpg(first, signal.SIGKILL)


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


def _split_frames(data: bytes) -> list[Any]:
    stream, frames = io.BytesIO(data), []
    while (frame := read_frame(stream)) is not None:
        frames.append(frame)
    return frames


def _empty_private_dirs(keep: str) -> None:
    """Remove whatever a run left in the namespace's private tmpfs directories."""
    for path in isolation.PRIVATE_DIRS:
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
