"""Environment rollouts across a Ray cluster.

:class:`RayRolloutPool` starts N Ray actors. Each builds a policy from a spec string
(:func:`rlvr.policies.make_policy`), the environments it is given and a
:class:`~rlvr.evals.engine.RolloutEngine`, and plays the chunks of
:class:`~rlvr.evals.engine.EpisodeJob` s it is handed. The records that come back are ordinary
:class:`~rlvr.types.RolloutRecord` s, with ``record.policy["worker"]`` naming the actor and its
node. Verification happens inside each actor, on its node, through a local verifier pool.

    from rlvr.evals.engine import EpisodeJob
    from rlvr.remote.ray_rollouts import RayRolloutPool

    with RayRolloutPool("oracle", ["math/arithmetic-v0"], num_actors=2) as pool:
        records = pool.play([EpisodeJob("math/arithmetic-v0", i) for i in range(100)])
"""

from __future__ import annotations

import contextlib
import math
import os
from collections import defaultdict, deque
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from rlvr.errors import RlvrError
from rlvr.evals.engine import EpisodeJob, RolloutEngine
from rlvr.policies.base import SamplingParams
from rlvr.types import RolloutRecord
from rlvr.verifiers.executor import ENV_VAR
from rlvr.verifiers.ray_executor import cluster_cpus, connect_ray, import_ray, release_ray

DEFAULT_CHUNK = 64
"""Episodes per Ray call (two engine batches); small runs are split evenly over the actors."""
STARTUP_TIMEOUT = 300.0
"""Seconds the actors may take to start and build their policy and environments."""

EnvEntries = dict[str, tuple[str, dict[str, Any]]]
"""Environment key -> (environment id, ``rlvr.make`` kwargs)."""


class RemoteRolloutError(RlvrError, RuntimeError):
    """A Ray rollout actor could not start, build its policy or environments, or play a chunk."""


def resolve_envs(envs: Any) -> EnvEntries:
    """Environment keys and how to build them, from a suite (name, path or
    :class:`~rlvr.suite.Suite`), a list of env ids, or a mapping of env id to ``rlvr.make``
    kwargs. Unknown ids and suites raise here, before any actor starts."""
    from rlvr.registry import default_registry
    from rlvr.suite import Suite, make_suite

    if isinstance(envs, (str, Path, Suite)):
        suite = envs.build() if isinstance(envs, Suite) else make_suite(envs)
        return {entry.key: (entry.id, dict(entry.kwargs)) for entry in suite.envs}
    if isinstance(envs, Mapping):
        entries = {str(env_id): (str(env_id), dict(kwargs)) for env_id, kwargs in envs.items()}
    elif isinstance(envs, Sequence):
        entries = {str(env_id): (str(env_id), {}) for env_id in envs}
    else:
        raise TypeError(
            "envs must be a suite name or path, a Suite, a list of env ids or a mapping of env id "
            f"to kwargs; got {type(envs).__name__}"
        )
    if not entries:
        raise ValueError("envs is empty: give at least one environment")
    for env_id, _ in entries.values():
        default_registry().spec(env_id)  # EnvNotFound names the closest ids
    return entries


class RolloutActor:
    """What runs inside each Ray actor: a policy, environments and a rollout engine."""

    def __init__(
        self,
        index: int,
        policy: str,
        policy_options: dict[str, Any],
        envs: EnvEntries,
        params: SamplingParams | None,
        engine_options: dict[str, Any],
    ) -> None:
        os.environ.pop(ENV_VAR, None)  # verify on this node, in its own pool
        import rlvr

        self.index, self.error, self._policy = index, None, None
        self.node = os.uname().nodename
        with contextlib.suppress(Exception):
            import ray

            self.node = ray.util.get_node_ip_address()
        self._built: dict[str, list[Any]] = defaultdict(list)

        def make_env(key: str) -> Any:
            built = self._built[key]
            if built:
                return built.pop()
            env_id, kwargs = envs[key]
            return rlvr.make(env_id, **kwargs)

        try:
            for key in envs:
                self._built[key].append(make_env(key))
        except Exception as exc:
            self.error = f"could not build the environment {key!r}: {_describe(exc)}"
            return
        try:
            from rlvr.policies.base import make_policy

            self._policy = make_policy(policy, **policy_options)
        except Exception as exc:
            self.error = f"could not build the policy {policy!r}: {_describe(exc)}"
            return
        self.engine = RolloutEngine(make_env, self._policy, params, **engine_options)

    def ready(self) -> tuple[str | None, str]:
        """``(error or None, node)``: why this actor cannot play, and where it runs."""
        return self.error, self.node

    def play(self, jobs: list[EpisodeJob]) -> list[RolloutRecord]:
        """Play ``jobs``; their records in job order."""
        if self.error:
            raise RuntimeError(self.error)
        slots: dict[tuple[str, int, int], deque[int]] = defaultdict(deque)
        for position, job in enumerate(jobs):
            slots[(job.env_key, job.index, job.sample)].append(position)
        out: list[RolloutRecord | None] = [None] * len(jobs)
        worker = f"{self.index}@{self.node}"

        def place(record: RolloutRecord) -> None:
            job = record.policy["job"]
            record.policy["worker"] = worker
            out[slots[(job["env_key"], job["index"], job["sample"])].popleft()] = record

        self.engine.run(jobs, place)
        return out  # type: ignore[return-value]

    def close(self) -> None:
        if self._policy is not None:
            self._policy.close()


def _describe(exc: BaseException) -> str:
    from rlvr.verifiers.worker import describe

    return describe(exc)


class RayRolloutPool:
    """Plays episodes on Ray actors; see the module docstring.

    ``envs``: a suite name or YAML path (keys are the suite's keys), a
    :class:`~rlvr.suite.Suite`, a list of env ids, or a mapping of env id to ``rlvr.make``
    kwargs. ``num_actors`` defaults to one per free CPU of the cluster (at most 64);
    ``actor_options`` go to Ray's ``.options`` (default ``{"num_cpus": 1}``; e.g. add
    ``"num_gpus": 1`` for a model policy). One :meth:`play` at a time.
    """

    def __init__(
        self,
        policy: str,
        envs: Any,
        *,
        params: SamplingParams | None = None,
        policy_options: dict[str, Any] | None = None,
        num_actors: int | None = None,
        chunk_size: int = DEFAULT_CHUNK,
        batch_size: int = 32,
        verify_workers: int = 8,
        address: str | None = None,
        actor_options: dict[str, Any] | None = None,
        startup_timeout: float = STARTUP_TIMEOUT,
    ) -> None:
        if chunk_size < 1 or (num_actors is not None and num_actors < 1):
            raise ValueError(
                f"chunk_size and num_actors must be >= 1, got {chunk_size} and {num_actors}"
            )
        self.policy, self.chunk_size = policy, chunk_size
        self.envs = resolve_envs(envs)
        self._ray = ray = import_ray()
        options = {"num_cpus": 1, **(actor_options or {})}
        args = (
            policy,
            dict(policy_options or {}),
            self.envs,
            params,
            {"batch_size": batch_size, "verify_workers": verify_workers},
        )
        self._owned = connect_ray(address)
        self._actors: list[Any] = []
        try:
            self.num_actors = num_actors or cluster_cpus(ray, options["num_cpus"])
            cls = ray.remote(RolloutActor).options(**options)
            self._actors = [cls.remote(i, *args) for i in range(self.num_actors)]
            self.nodes = self._start(startup_timeout, options)
        except BaseException:
            self.close()
            raise

    @property
    def keys(self) -> list[str]:
        """The environment keys jobs may name."""
        return list(self.envs)

    def _start(self, timeout: float, options: dict[str, Any]) -> list[str]:
        ray = self._ray
        try:
            answers = ray.get([a.ready.remote() for a in self._actors], timeout=timeout)
        except ray.exceptions.GetTimeoutError:
            raise RemoteRolloutError(
                f"{self.num_actors} Ray rollout actors did not all start within {timeout:g} s; "
                f"each asks for {options} and the cluster has {ray.available_resources()} free"
            ) from None
        except ray.exceptions.RayError as exc:
            raise RemoteRolloutError(f"a Ray rollout actor failed to start: {exc}") from None
        for index, (error, node) in enumerate(answers):
            if error:
                raise RemoteRolloutError(f"Ray rollout actor {index} on {node} {error}")
        return [node for _, node in answers]

    def play(self, jobs: Sequence[EpisodeJob]) -> list[RolloutRecord]:
        """Play every job; the records in job order."""
        records: list[RolloutRecord | None] = [None] * len(jobs)
        for start, chunk in self._chunks(jobs):
            records[start : start + len(chunk)] = chunk
        return records  # type: ignore[return-value]

    def play_iter(self, jobs: Sequence[EpisodeJob]) -> Iterator[RolloutRecord]:
        """Play every job, yielding records chunk by chunk as chunks finish (in job order
        within a chunk; ``record.policy["job"]`` says which job each is)."""
        for _, chunk in self._chunks(jobs):
            yield from chunk

    def _chunks(self, jobs: Sequence[EpisodeJob]) -> Iterator[tuple[int, list[RolloutRecord]]]:
        if not self._actors:
            raise RuntimeError("this RayRolloutPool is closed")
        jobs = list(jobs)
        for number, job in enumerate(jobs):
            if job.env_key not in self.envs:
                raise KeyError(
                    f"job {number} names environment {job.env_key!r}, which this pool was not "
                    f"given; its environments: {', '.join(self.envs)}"
                )
        ray = self._ray
        size = min(self.chunk_size, max(1, math.ceil(len(jobs) / self.num_actors)))
        pending = deque(range(0, len(jobs), size))
        idle = deque(range(self.num_actors))
        in_flight: dict[Any, tuple[int, int]] = {}
        while pending or in_flight:
            while pending and idle:
                actor, start = idle.popleft(), pending.popleft()
                ref = self._actors[actor].play.remote(jobs[start : start + size])
                in_flight[ref] = (actor, start)
            done, _ = ray.wait(list(in_flight), num_returns=1)
            for ref in done:
                actor, start = in_flight.pop(ref)
                try:
                    chunk = ray.get(ref)
                except ray.exceptions.RayError as exc:
                    cause = getattr(exc, "cause", None) or exc
                    end = min(start + size, len(jobs))
                    raise RemoteRolloutError(
                        f"Ray rollout actor {actor} on {self.nodes[actor]} failed on jobs "
                        f"{start}..{end - 1}: {type(cause).__name__}: {cause}"
                    ) from None
                idle.append(actor)
                yield start, chunk

    def close(self) -> None:
        """Close the policies, stop the actors (and Ray itself, when this pool started it)."""
        actors, self._actors = self._actors, []
        ray = self._ray if hasattr(self, "_ray") else None
        if ray is not None and actors and ray.is_initialized():
            with contextlib.suppress(Exception):
                refs = [actor.close.remote() for actor in actors]
                ray.wait(refs, num_returns=len(refs), timeout=5.0)
            for actor in actors:
                with contextlib.suppress(Exception):
                    ray.kill(actor, no_restart=True)
        if hasattr(self, "_owned"):
            release_ray(self._owned)
            self._owned = False

    def __enter__(self) -> RayRolloutPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
