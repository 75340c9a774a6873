"""Operating-system isolation for sandboxed runs: namespaces, resource limits, privileges.

Two levels (see docs/security.md):

- ``namespaces`` (Linux, as root): each sandbox server lives in its own network namespace (no
  interfaces up: no network) and mount namespace (private size-capped tmpfs over ``/tmp``,
  ``/var/tmp`` and ``/dev/shm``); every run gets a fresh PID namespace, so killing its first
  process kills every process it started, ``setsid()`` and double forks included; untrusted code
  runs as an unprivileged uid of its own.
- ``basic`` (elsewhere): a new session per run killed as a process group, resource limits, a
  scratch directory and a scrubbed environment. A process that calls ``setsid()`` escapes the
  group kill, and there is no network isolation.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import resource
import subprocess
import sys
from typing import Literal

Isolation = Literal["namespaces", "basic"]

CLONE_NEWNS = 0x00020000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_NOSUID, MS_NODEV, MS_NOEXEC = 0x2, 0x4, 0x8
MS_BIND, MS_REC, MS_PRIVATE = 0x1000, 0x4000, 0x40000
PRIVATE_DIRS = ("/tmp", "/var/tmp", "/dev/shm")
BASE_UID = 61000
"""Sandbox slot ``i`` runs test code as uid ``BASE_UID + 2i`` and candidate code as ``+ 1``."""
MAX_SLOTS = 100_000
"""Slots are below this: sandbox uids lie in ``[BASE_UID, BASE_UID + 2 * MAX_SLOTS)``."""
SAFE_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8"}


class IsolationError(OSError):
    """A namespace, mount or privilege step failed."""


@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


def _call(name: str, *args: object) -> None:
    if getattr(_libc(), name)(*args) != 0:
        errno = ctypes.get_errno()
        raise IsolationError(errno, f"{name} failed: {os.strerror(errno)}")


def unshare(flags: int) -> None:
    _call("unshare", ctypes.c_int(flags))


def setns(fd: int, flags: int) -> None:
    _call("setns", ctypes.c_int(fd), ctypes.c_int(flags))


def mount(source: str, target: str, fstype: str | None, flags: int, data: str | None) -> None:
    _call(
        "mount",
        source.encode(),
        target.encode(),
        fstype.encode() if fstype else None,
        ctypes.c_ulong(flags),
        data.encode() if data else None,
    )


@functools.cache
def available() -> Isolation:
    """The strongest isolation this machine allows (probed once, in a child process)."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        return "basic"
    probe = (
        "import os\n"
        "from rlvr.verifiers.sandbox import isolation as i\n"
        "i.unshare(i.CLONE_NEWNET | i.CLONE_NEWNS)\n"
        "i.enter_private_mounts(1)\n"
        "i.unshare(i.CLONE_NEWPID)\n"
        "pid = os.fork()\n"
        "if pid == 0: os._exit(0 if os.getpid() == 1 else 1)\n"
        "print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))\n"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return "basic"
    return "namespaces" if done.returncode == 0 and done.stdout.strip() == "0" else "basic"


def enter_private_mounts(tmpfs_mb: int) -> None:
    """Make this mount namespace's mounts private and cover the world-writable directories with
    fresh tmpfs of ``tmpfs_mb`` MiB each (call after ``unshare(CLONE_NEWNS)``)."""
    mount("none", "/", None, MS_REC | MS_PRIVATE, None)
    for path in PRIVATE_DIRS:
        if os.path.isdir(path):
            mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, f"size={tmpfs_mb}m,mode=1777")


def mount_own_proc() -> None:
    """Give this process (PID 1 of a fresh PID namespace) its own ``/proc``, which lists only
    the run's processes (call before forking the rest of the run)."""
    unshare(CLONE_NEWNS)
    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None)


def hidden_ancestor(path: str) -> str | None:
    """The top-most directory above ``path`` that other users cannot enter (``o-x``), if any."""
    parts = os.path.abspath(path).split(os.sep)[1:]
    for depth in range(1, len(parts)):
        ancestor = os.sep + os.path.join(*parts[:depth])
        try:
            if not os.stat(ancestor).st_mode & 0o001:
                return ancestor
        except OSError:
            return None
    return None


def expose_python(paths: list[str]) -> None:
    """Let the unprivileged sandbox uids import from ``paths`` (the interpreter's prefix and
    ``sys.path``) when they lie under a private directory such as ``/root``: in this mount
    namespace the private directory is covered by an empty tmpfs into which only the needed
    subdirectories are bind-mounted, so everything else in it stays out of sight."""
    needed: dict[str, set[str]] = {}
    for path in paths:
        top = hidden_ancestor(path) if os.path.exists(path) else None
        if top is not None:
            child = os.path.relpath(path, top).split(os.sep)[0]
            needed.setdefault(top, set()).add(child)
    for top, children in needed.items():
        handles = {child: os.open(os.path.join(top, child), os.O_PATH) for child in children}
        try:
            mount("tmpfs", top, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=755")
            for child, fd in handles.items():
                target = os.path.join(top, child)
                os.mkdir(target, 0o755)
                mount(f"/proc/self/fd/{fd}", target, None, MS_BIND | MS_REC, None)
        finally:
            for fd in handles.values():
                os.close(fd)


def set_limits(
    *, cpu_seconds: int, memory_mb: int, file_size_mb: int, open_files: int, processes: int
) -> None:
    """Hard resource limits for this process and everything it starts."""
    mib = 1024 * 1024
    limits = {
        resource.RLIMIT_CPU: cpu_seconds,
        resource.RLIMIT_AS: memory_mb * mib,
        resource.RLIMIT_FSIZE: file_size_mb * mib,
        resource.RLIMIT_NOFILE: open_files,
        resource.RLIMIT_CORE: 0,
    }
    if os.geteuid() != 0:  # as root, NPROC is set after the uid drop (it counts per uid)
        limits[resource.RLIMIT_NPROC] = processes
    for which, value in limits.items():
        resource.setrlimit(which, (value, value))


def drop_privileges(uid: int, processes: int) -> None:
    """Become ``uid`` (group ``uid``, no supplementary groups) with at most ``processes``
    processes; a no-op when not root (there is nobody else to become)."""
    if os.geteuid() != 0:
        return
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))


def scrub_environment(home: str) -> None:
    """Replace the environment with a minimal one: no variable of the parent survives."""
    os.environ.clear()
    os.environ.update(SAFE_ENV, HOME=home, TMPDIR=home)


def close_other_fds(keep: tuple[int, ...]) -> None:
    """Close every file descriptor above 2 except ``keep``."""
    highest = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    start = 3
    for fd in sorted(keep):
        if fd >= start:
            os.closerange(start, fd)
            start = fd + 1
    os.closerange(start, min(highest, 65536))
