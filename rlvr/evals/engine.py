"""The rollout engine: drives many episodes with one policy, in batches, and emits records.

Episodes run on environment instances of their own (reused across episodes). Up to
``batch_size`` pending turns go to the policy in one ``generate`` call; the environments then
step in a thread pool, so verifications (code in the sandbox, math in the worker pool) run in
parallel with each other and with the generation of the next batch: up to two batches are
active at once, one generating while the other verifies. A multi-turn episode stays active until
it terminates or is truncated; then its :class:`~rlvr.types.RolloutRecord` is handed to
``on_record`` and a new episode takes its slot.

Records carry the verifier's kind (``record.verifier_kind``), the policy spec, the sampling
parameters, token counts, turns and the time split (``generate``, ``verify``) in
``record.policy`` and ``record.timings``; ``record.policy["job"]``
identifies the episode (environment key, task index, sample) so that an interrupted run can
skip what it already did.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from rlvr.ids import parse_env_id
from rlvr.policies.base import Generation, GenerationRequest, Policy, SamplingParams
from rlvr.types import Message, RolloutRecord, Task, Verdict
from rlvr.verifiers.kinds import env_verifier_kind


@dataclass(frozen=True)
class EpisodeJob:
    """One episode to play: task ``index`` of environment ``env_key``, sample number ``sample``."""

    env_key: str
    index: int
    sample: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Episode:
    job: EpisodeJob
    env: Any
    task: Task
    messages: list[dict[str, str]]
    reference: str | None
    turns: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    timings: dict[str, float] = field(default_factory=lambda: {"generate": 0.0, "verify": 0.0})
    generations: list[Generation] = field(default_factory=list)

    @property
    def last(self) -> Generation | None:
        return self.generations[-1] if self.generations else None


class RolloutEngine:
    """Plays :class:`EpisodeJob` s with ``policy`` on environments built by ``make_env(key)``."""

    def __init__(
        self,
        make_env: Callable[[str], Any],
        policy: Policy,
        params: SamplingParams | None = None,
        *,
        batch_size: int = 32,
        verify_workers: int = 8,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.make_env = make_env
        self.policy = policy
        self.params = params or SamplingParams()
        self.batch_size = batch_size
        self.verify_workers = verify_workers
        self._free: dict[str, list[Any]] = defaultdict(list)

    def run(self, jobs: Iterable[EpisodeJob], on_record: Callable[[RolloutRecord], None]) -> None:
        """Play every job; ``on_record`` receives each finished episode's record.

        Generation and verification overlap: once a batch is generated its steps go to the
        thread pool, and the engine generates for the episodes that are ready (new ones, or
        multi-turn ones whose last step came back) while those steps run.
        """
        self.run_episodes(jobs, lambda record, _generations: on_record(record))

    def run_episodes(
        self,
        jobs: Iterable[EpisodeJob],
        on_episode: Callable[[RolloutRecord, list[Generation]], None],
    ) -> None:
        """Like :meth:`run`, with each episode's generations (one per policy turn, in order)
        next to its record: what a trainer needs to get at the sampled token ids."""
        pending: Iterator[EpisodeJob] = iter(jobs)
        exhausted = False
        ready: list[_Episode] = []
        stepping: dict[Future, _Episode] = {}
        with ThreadPoolExecutor(self.verify_workers) as pool:
            while True:
                while not exhausted and len(ready) + len(stepping) < 2 * self.batch_size:
                    job = next(pending, None)
                    if job is None:
                        exhausted = True
                    else:
                        ready.append(self._start(job))
                if not ready and not stepping:
                    return
                if ready and (len(ready) >= self.batch_size or not stepping or exhausted):
                    batch, ready = ready[: self.batch_size], ready[self.batch_size :]
                    self._generate(batch)
                    stepping.update({pool.submit(self._step, e): e for e in batch})
                    continue
                finished, _ = wait(list(stepping), return_when=FIRST_COMPLETED)
                for future in finished:
                    episode = stepping.pop(future)
                    done, info = future.result()
                    if done:
                        on_episode(self._record(episode, info), list(episode.generations))
                        self._free[episode.job.env_key].append(episode.env)
                    else:
                        ready.append(episode)

    def _start(self, job: EpisodeJob) -> _Episode:
        free = self._free[job.env_key]
        env = free.pop() if free else self.make_env(job.env_key)
        _, info = env.reset(options={"index": job.index})
        task = info.get("task")
        if not isinstance(task, Task):
            raise TypeError(
                f"{job.env_key}: the environment gives no info['task']; interactive games are not "
                "evaluated by the rollout engine"
            )
        hook = getattr(env.unwrapped, "reference_completion", None)
        reference = hook(task) if callable(hook) else None
        return _Episode(job, env, task, list(info["messages"]), reference)

    def _generate(self, episodes: list[_Episode]) -> None:
        requests = [
            GenerationRequest(
                messages=tuple(e.messages),
                params=self._params_for(e.job),
                task_id=e.task.id,
                reference=e.reference,
            )
            for e in episodes
        ]
        start = time.perf_counter()
        generations = self.policy.generate(requests)
        share = (time.perf_counter() - start) / len(episodes)
        if len(generations) != len(episodes):
            raise RuntimeError(
                f"policy {self.policy.spec} returned {len(generations)} generations for "
                f"{len(episodes)} requests"
            )
        for episode, generation in zip(episodes, generations, strict=True):
            episode.generations.append(generation)
            episode.turns += 1
            episode.timings["generate"] += share
            episode.prompt_tokens += generation.prompt_tokens or 0
            episode.completion_tokens += generation.completion_tokens or 0

    def _params_for(self, job: EpisodeJob) -> SamplingParams:
        if self.params.seed is None:
            return self.params
        return replace(self.params, seed=self.params.seed + 1_000_003 * job.sample)

    def _step(self, episode: _Episode) -> tuple[bool, dict[str, Any]]:
        assert episode.last is not None
        start = time.perf_counter()
        _, _, terminated, truncated, info = episode.env.step(episode.last.text)
        episode.timings["verify"] += time.perf_counter() - start
        episode.messages = list(info.get("messages", episode.messages))
        return terminated or truncated, info

    def _record(self, episode: _Episode, info: dict[str, Any]) -> RolloutRecord:
        unwrapped = episode.env.unwrapped
        env_id = unwrapped.spec.id if unwrapped.spec is not None else episode.job.env_key
        verifier = getattr(unwrapped, "verifier", None)
        verdict = info.get("verdict")
        if not isinstance(verdict, Verdict):
            verdict = Verdict.failure("no_answer", "the episode ended without a final answer")
        last = episode.last
        assert last is not None
        return RolloutRecord(
            env_id=env_id,
            env_version=parse_env_id(env_id).version,
            verifier=getattr(verifier, "name", "env"),
            verifier_version=str(getattr(verifier, "version", "0")),
            verifier_kind=env_verifier_kind(unwrapped),
            task=episode.task,
            completion=last.text if episode.turns == 1 else None,
            messages=[Message.model_validate(m) for m in episode.messages],
            verdict=verdict,
            timings=dict(episode.timings),
            policy={
                "spec": self.policy.spec,
                "params": asdict(self._params_for(episode.job)),
                "job": episode.job.as_dict(),
                "turns": episode.turns,
                "prompt_tokens": episode.prompt_tokens,
                "completion_tokens": episode.completion_tokens,
                "finish_reason": last.finish_reason,
                "generation_error": last.error,
            },
        )
