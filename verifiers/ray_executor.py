"""Bounded verification across a Ray cluster, behind the same interface as the local pool.

:class:`RayExecutor` starts N Ray actors; each holds a local
:class:`~rlvr.verifiers.pool.VerifierPool` on its node, so every guarantee of the local pool holds
on the remote machine: a hard per-item time limit (the worker is killed with ``SIGKILL``), a
memory limit, a crash or an exception becoming an ``error`` verdict. :meth:`RayExecutor.run`
pickles the jobs once on the driver, splits them into chunks (one Ray call per chunk amortises
Ray's per-call overhead), hands chunks to idle actors and puts the verdicts back in job order.

Chunks go only to actors that have started (answered a ping), so an actor the cluster cannot
place yet delays nothing. The driver bounds each chunk too: an actor that does not answer within
``(ceil(chunk / workers) + 1) x (timeout + 1 s) + margin`` seconds is killed and replaced, and
its items get ``timeout`` verdicts; an actor that dies gives its items ``error`` verdicts naming
the cause; if no actor at all starts within ``startup_timeout``, the items get ``error``
verdicts saying so.

Ray is imported only here, when an executor is built; without it, building one raises
:class:`rlvr.errors.DependencyNotInstalled`.
"""

from __future__ import annotations

import contextlib
import math
import os
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rlvr.errors import DependencyNotInstalled
from rlvr.types import Verdict
from rlvr.verifiers.executor import ENV_VAR
from rlvr.verifiers.pool import DEFAULT_MEMORY_LIMIT, Job, VerifierPool, _check_timeout

INSTALL = "pip install 'rlvr[ray]'"
DEFAULT_CHUNK = 64
"""Jobs per Ray call; small batches are split evenly over the actors instead."""
MAX_DEFAULT_ACTORS = 64
ACTOR_STARTUP_TIMEOUT = 120.0
"""Seconds :meth:`RayExecutor.run` waits for a first actor to start before giving up."""
RESTART_ALLOWANCE = 1.0
"""Seconds per item allowed for restarting a worker that a timeout killed."""

_ray_lock = threading.Lock()
_ray_users = 0  # executors and rollout pools using a Ray instance that rlvr itself started


def import_ray() -> Any:
    """The ``ray`` module, or :class:`DependencyNotInstalled` naming the install command."""
    try:
        import ray
    except ImportError as exc:
        raise DependencyNotInstalled(f"running on Ray needs ray ({exc}): {INSTALL}") from exc
    return ray


def connect_ray(address: str | None = None) -> bool:
    """Make sure this process is connected to Ray; True when rlvr owns the connection.

    Connected already: that connection is used (``address`` is ignored). Otherwise
    ``ray.init(address)``: ``None`` finds a running instance (``RAY_ADDRESS``, the last
    ``ray start`` on this machine) or starts a local one; ``"auto"`` or ``"HOST:PORT"``
    connects to a running cluster. Pair every True with :func:`release_ray`.
    """
    global _ray_users
    ray = import_ray()
    with _ray_lock:
        if ray.is_initialized():
            if _ray_users == 0:
                return False
        else:
            ray.init(address=address, include_dashboard=False, log_to_driver=False)
            _ray_users = 0
        _ray_users += 1
        return True


def release_ray(owned: bool) -> None:
    """Undo :func:`connect_ray`: the last owner shuts down the connection rlvr opened."""
    global _ray_users
    if not owned:
        return
    ray = import_ray()
    with _ray_lock:
        _ray_users = max(0, _ray_users - 1)
        if _ray_users == 0 and ray.is_initialized():
            ray.shutdown()


def cluster_cpus(ray: Any, per_actor: float) -> int:
    """How many actors of ``per_actor`` CPUs fit in the CPUs free now (in all CPUs when none is
    free; at least 1, at most :data:`MAX_DEFAULT_ACTORS`)."""
    free = ray.available_resources().get("CPU") or ray.cluster_resources().get("CPU", 1)
    return max(1, min(MAX_DEFAULT_ACTORS, int(free // per_actor) if per_actor else int(free)))


def short(exc: BaseException, limit: int = 300) -> str:
    """The first lines of an exception's text, bounded in length."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[:limit] + " …"


class VerifierActor:
    """What runs inside each Ray actor: a local verifier pool on that actor's node."""

    def __init__(self, workers: int, memory_limit_bytes: int | None) -> None:
        os.environ.pop(ENV_VAR, None)  # anything verified here stays on this node
        self.pool = VerifierPool(workers, memory_limit_bytes=memory_limit_bytes)
        self._node = os.uname().nodename
        with contextlib.suppress(Exception):
            import ray

            self._node = ray.util.get_node_ip_address()

    def node(self) -> str:
        """Where this actor runs; answering at all means it has started."""
        return self._node

    def run(self, payloads: list[bytes], timeout: float) -> list[Verdict]:
        return self.pool.run_pickled(payloads, timeout)

    def close(self) -> None:
        self.pool.close()


@dataclass
class _Slot:
    """One actor position: the current actor, its start-up ping while starting, its node."""

    index: int
    actor: Any = None
    ping: Any = None
    node: str = "starting"
    failures: int = 0


@dataclass
class _Chunk:
    slot: _Slot
    start: int
    size: int
    deadline: float
    budget: float


class RayExecutor:
    """Runs verification jobs on Ray actors, each with a local :class:`VerifierPool`.

    ``num_actors`` defaults to one per free CPU of the cluster (at most 64), each actor
    reserving ``workers_per_actor`` CPUs unless ``actor_options`` (passed to Ray's
    ``.options``) say otherwise. Chunks go only to actors that have started, so actors the
    cluster cannot place yet cost nothing; :meth:`run` gives up (``error`` verdicts) only when
    no actor at all starts within ``startup_timeout``. Thread-safe: concurrent calls to
    :meth:`run` share the actors.
    """

    def __init__(
        self,
        address: str | None = None,
        *,
        num_actors: int | None = None,
        chunk_size: int = DEFAULT_CHUNK,
        workers_per_actor: int = 1,
        memory_limit_bytes: int | None = DEFAULT_MEMORY_LIMIT,
        margin: float = 60.0,
        startup_timeout: float = ACTOR_STARTUP_TIMEOUT,
        actor_options: dict[str, Any] | None = None,
    ) -> None:
        if chunk_size < 1 or workers_per_actor < 1 or (num_actors is not None and num_actors < 1):
            raise ValueError(
                f"chunk_size, workers_per_actor and num_actors must be >= 1, got {chunk_size}, "
                f"{workers_per_actor} and {num_actors}"
            )
        self._ray = ray = import_ray()
        self.chunk_size, self.workers_per_actor = chunk_size, workers_per_actor
        self.margin, self.startup_timeout = margin, startup_timeout
        self._options = {"num_cpus": workers_per_actor, **(actor_options or {})}
        self._memory_limit = memory_limit_bytes
        self._cond = threading.Condition()
        self._idle: deque[_Slot] = deque()
        self._starting: dict[Any, _Slot] = {}
        self._closed = False
        self._last_failure = ""
        self._owned = connect_ray(address)
        try:
            self.num_actors = num_actors or cluster_cpus(ray, self._options["num_cpus"])
            self._cls = ray.remote(VerifierActor)
            self._slots = [_Slot(i) for i in range(self.num_actors)]
            for slot in self._slots:
                self._spawn(slot)
        except BaseException:
            release_ray(self._owned)
            raise

    def _spawn(self, slot: _Slot) -> None:
        slot.actor = self._cls.options(**self._options).remote(
            self.workers_per_actor, self._memory_limit
        )
        slot.ping, slot.node = slot.actor.node.remote(), "starting"
        with self._cond:
            self._starting[slot.ping] = slot

    def run(self, jobs: Sequence[Job], timeout: float) -> list[Verdict]:
        """Run every job with at most ``timeout`` seconds each; verdicts come back in order."""
        _check_timeout(timeout)
        payloads = [VerifierPool._pickle(job) for job in jobs]
        if self._closed:
            raise RuntimeError("this RayExecutor is closed")
        size = min(self.chunk_size, max(1, math.ceil(len(payloads) / self.num_actors)))
        pending = deque(range(0, len(payloads), size))
        results: list[Verdict | None] = [None] * len(payloads)
        in_flight: dict[Any, _Chunk] = {}
        try:
            while pending or in_flight:
                while pending:
                    slot = self._checkout(block=not in_flight)
                    if slot is None and not in_flight:  # no actor could start: give up
                        for start in pending:
                            results[start : start + size] = self._unavailable(
                                len(payloads[start : start + size])
                            )
                        pending.clear()
                    if slot is None:
                        break
                    start = pending.popleft()
                    part = payloads[start : start + size]
                    ref = slot.actor.run.remote(part, timeout)
                    in_flight[ref] = self._chunk(slot, start, len(part), timeout)
                if not in_flight:
                    break
                next_deadline = min(chunk.deadline for chunk in in_flight.values())
                refs = list(in_flight) + (self._pings() if pending else [])
                wait_for = max(0.0, next_deadline - time.monotonic())
                done, _ = self._ray.wait(refs, num_returns=1, timeout=wait_for)
                for ref in done:
                    chunk = in_flight.pop(ref, None)
                    if chunk is not None:
                        results[chunk.start : chunk.start + chunk.size] = self._collect(ref, chunk)
                now = time.monotonic()
                for ref, chunk in list(in_flight.items()):
                    if now >= chunk.deadline:
                        del in_flight[ref]
                        results[chunk.start : chunk.start + chunk.size] = self._overran(chunk)
        except BaseException:  # e.g. KeyboardInterrupt: never leave an actor busy with an item
            for chunk in in_flight.values():
                self._replace(chunk.slot)
            raise
        return results  # type: ignore[return-value]

    def _chunk(self, slot: _Slot, start: int, size: int, timeout: float) -> _Chunk:
        rounds = math.ceil(size / self.workers_per_actor) + 1
        budget = rounds * (timeout + RESTART_ALLOWANCE) + self.margin
        return _Chunk(slot, start, size, time.monotonic() + budget, budget)

    def _collect(self, ref: Any, chunk: _Chunk) -> list[Verdict]:
        exceptions = self._ray.exceptions
        try:
            verdicts = self._ray.get(ref)
        except exceptions.RayActorError as exc:
            failed = self._failed(chunk, "error", f"died ({short(exc)})")
            self._replace(chunk.slot)
            return failed
        except exceptions.RayError as exc:
            self._release(chunk.slot)
            return self._failed(chunk, "error", f"failed ({short(exc)})")
        self._release(chunk.slot)
        if len(verdicts) != chunk.size:
            return self._failed(
                chunk, "error", f"returned {len(verdicts)} verdicts for {chunk.size} items"
            )
        return verdicts

    def _overran(self, chunk: _Chunk) -> list[Verdict]:
        failed = self._failed(
            chunk,
            "timeout",
            f"did not answer within {chunk.budget:.0f} s and was killed and replaced",
        )
        self._replace(chunk.slot)
        return failed

    @staticmethod
    def _failed(chunk: _Chunk, status: str, what: str) -> list[Verdict]:
        slot = chunk.slot
        others = f" and {chunk.size - 1} others" if chunk.size > 1 else ""
        text = f"the Ray actor {slot.index} (node {slot.node}) verifying this item{others} {what}"
        return [Verdict.failure(status, text)] * chunk.size  # type: ignore[arg-type]

    def _unavailable(self, size: int) -> list[Verdict]:
        why = f"; last failure: {self._last_failure}" if self._last_failure else ""
        text = (
            f"no Ray actor was available within {self.startup_timeout:g} s (each asks for "
            f"{self._options}: does the cluster have room for one?){why}"
        )
        return [Verdict.failure("error", text)] * size

    def _pings(self) -> list[Any]:
        with self._cond:
            return list(self._starting)

    def _poll_starting(self) -> None:
        """Put the actors that have started since the last look into service."""
        pings = self._pings()
        if not pings:
            return
        done, _ = self._ray.wait(pings, num_returns=len(pings), timeout=0)
        for ping in done:
            with self._cond:
                slot = self._starting.pop(ping, None)
            if slot is None:
                continue  # another thread took it
            try:
                slot.node, slot.ping, slot.failures = self._ray.get(ping), None, 0
            except self._ray.exceptions.RayError as exc:
                self._last_failure = short(exc)
                slot.failures += 1
                if slot.failures < 3 and not self._closed:
                    self._spawn(slot)
                continue
            self._release(slot)

    def _checkout(self, *, block: bool) -> _Slot | None:
        """An idle started actor; None if none is (and ``block`` is false, or none starts)."""
        give_up = time.monotonic() + self.startup_timeout
        while True:
            self._poll_starting()
            with self._cond:
                if self._closed:
                    raise RuntimeError("this RayExecutor was closed while it was running")
                if self._idle:
                    return self._idle.popleft()
                remaining = give_up - time.monotonic()
                busy = len(self._slots) - len(self._starting) - self._dead()
                if not block or remaining <= 0 or (busy <= 0 and not self._starting):
                    return None
                self._cond.wait(min(remaining, 0.05) if self._starting else remaining)

    def _dead(self) -> int:
        return sum(slot.failures >= 3 for slot in self._slots)

    def _release(self, slot: _Slot) -> None:
        with self._cond:
            self._idle.append(slot)
            self._cond.notify()

    def _replace(self, slot: _Slot) -> None:
        with contextlib.suppress(Exception):
            self._ray.kill(slot.actor, no_restart=True)
        if not self._closed:
            self._spawn(slot)

    def close(self) -> None:
        """Stop the actors (and Ray itself, when this executor started it)."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            self._cond.notify_all()
        ray = self._ray
        if ray.is_initialized():
            with contextlib.suppress(Exception):
                refs = [slot.actor.close.remote() for slot in self._slots]
                ray.wait(refs, num_returns=len(refs), timeout=2.0)
            for slot in self._slots:
                with contextlib.suppress(Exception):
                    ray.kill(slot.actor, no_restart=True)
        release_ray(self._owned)

    def __enter__(self) -> RayExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"RayExecutor(num_actors={self.num_actors}, chunk_size={self.chunk_size}, "
            f"workers_per_actor={self.workers_per_actor})"
        )
