"""Learning from rollout workers' records: staleness bound, full re-verification, no trust.

With ``rollouts: remote`` each step's experience comes from records that workers
(:mod:`rlvr.remote.worker`) wrote into ``OUTPUT_DIR/rollouts/``. A worker's word is never taken:

1. **Freshness**: a record sampled by policy version ``v`` is used while training version ``t``
   only if ``t - max_staleness <= v <= t``; older ones are dropped, later ones are forged.
2. **Task**: the task is rebuilt from the trainer's own environment (``env_key``, ``index``) and
   must equal the record's; a worker cannot make up an easier task or a different gold answer.
3. **Verdict**: the episode is replayed in that environment, the recorded assistant turns
   stepped in order, and the replay's verdict replaces the worker's (a claimed reward that
   differs is counted as ``remote/reward_mismatch``).
4. **Tokens**: each turn's prompt is rebuilt from the replay's messages with the trainer's own
   tokenizer; a completion's token ids are used only when they are valid ids, fit
   ``max_new_tokens`` and decode to the verified text, else the text is tokenised again.
5. **Groups**: a group is used only when all its ``group_size`` samples pass; one bad record
   drops its group (advantages need the whole group).

What arrives beyond a step's needs waits for the next step (subject to the same bound).
"""

from __future__ import annotations

import contextlib
import copy
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rlvr.policies.base import Generation
from rlvr.policies.hf import render_prompt
from rlvr.remote.inbox import RecordInbox
from rlvr.trainers.config import GRPOConfig
from rlvr.trainers.rollouts import Experience, score_episodes
from rlvr.types import Message, RolloutRecord, Verdict

REPLAY_THREADS = 8
"""Records replayed at once (verification runs in worker processes, so threads suffice)."""


class RecordRejected(ValueError):
    """A worker's record that cannot be used; the message says why."""


@dataclass
class _Replay:
    """A record judged again, and its policy turns: (conversation before, text, worker's ids)."""

    record: RolloutRecord
    turns: list[tuple[list[Any], str, dict[str, Any]]]
    claimed_reward: float


@dataclass
class _Group:
    records: dict[int, RolloutRecord]
    version: int
    arrived: float


class RemoteExperience:
    """Collects each step's groups from ``OUTPUT_DIR/rollouts`` (see the module docstring)."""

    def __init__(
        self,
        config: GRPOConfig,
        factories: dict[str, Callable[[], Any]],
        tokenizer: Any,
        inbox_dir: str | Path,
        *,
        poll_seconds: float = 0.5,
    ) -> None:
        self.config = config
        self.factories = factories
        self.tokenizer = tokenizer
        self.inbox = RecordInbox(inbox_dir)
        self.poll_seconds = poll_seconds
        self._pending: dict[str, _Group] = {}
        self._local = threading.local()
        self.counts: dict[str, int] = {}
        self._replay_seconds = 0.0

    @classmethod
    def for_run(
        cls,
        config: GRPOConfig,
        factories: dict[str, Callable[[], Any]],
        tokenizer: Any,
        inbox_state: dict[str, Any] | None = None,
    ) -> RemoteExperience:
        """The remote side of the run in ``config.output_dir``, reading from where it stopped."""
        from rlvr.remote.snapshot import ROLLOUTS_DIR, clear_done

        remote = cls(config, factories, tokenizer, Path(config.output_dir) / ROLLOUTS_DIR)
        remote.inbox.restore(inbox_state or {})
        clear_done(config.output_dir)
        return remote

    def publish(self, version: int, model: Any) -> dict[str, Any]:
        """Publish the weights after ``version`` optimiser steps (LoRA adapters merged into a
        copy); the inbox position to keep with the run's state."""
        from rlvr.remote.snapshot import publish_snapshot

        if hasattr(model, "merge_and_unload"):
            model = copy.deepcopy(model).merge_and_unload()
        publish_snapshot(self.config.output_dir, version, model, self.tokenizer)
        return self.inbox.state()

    @contextlib.contextmanager
    def stop_workers_at_exit(self) -> Iterator[None]:
        """Mark the run done when training ends, however it ends, so workers stop."""
        from rlvr.remote.snapshot import mark_done

        try:
            yield
        finally:
            mark_done(self.config.output_dir)

    def collect(self, version: int) -> Experience:
        """``tasks_per_step`` verified groups usable while training policy ``version``."""
        config = self.config
        began = time.perf_counter()
        deadline = time.monotonic() + config.rollout_timeout
        self.counts = {}
        self._replay_seconds = 0.0
        accepted: list[list[tuple[RolloutRecord, list[Generation]]]] = []
        while len(accepted) < config.tasks_per_step:
            self._receive(version)
            for group_id, group in self._complete_groups(version):
                if len(accepted) >= config.tasks_per_step:
                    break  # the rest waits for the next step
                del self._pending[group_id]
                checked = self._check_group(group, version)
                if checked is not None:
                    accepted.append(checked)
            if len(accepted) >= config.tasks_per_step:
                break
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"{self.inbox.directory}: {len(accepted)} of {config.tasks_per_step} usable "
                    f"groups for policy version {version} in {config.rollout_timeout:g} s "
                    f"(rejected: {self.counts or 'none'}). Are rollout workers running? Start "
                    f"one with: rlvr rollout-worker {Path(config.output_dir)}"
                )
            time.sleep(self.poll_seconds)
        episodes = [episode for group in accepted for episode in group]
        experience = score_episodes(
            [record for record, _ in episodes],
            [turns for _, turns in episodes],
            config.group_size,
            scale=config.advantage_scale,
            filter_zero_variance=config.filter_zero_variance,
            seconds={"generate": 0.0, "verify": self._replay_seconds},
        )
        experience.seconds["wait"] = time.perf_counter() - began
        return experience

    def metrics(self) -> dict[str, float]:
        """The last collection's counts, as ``remote/...`` metrics."""
        return {f"remote/{name}": float(count) for name, count in sorted(self.counts.items())}

    # -- arrival and freshness ------------------------------------------------------------------

    def _count(self, name: str, amount: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + amount

    def _receive(self, version: int) -> None:
        batch = self.inbox.poll()
        for reason, count in batch.rejected.items():
            self._count(f"rejected/{reason.replace(' ', '_')}", count)
        for record in batch.records:
            try:
                group_id, record_version, sample = _identity(record, self.config.group_size)
            except RecordRejected:
                self._count("rejected/missing_fields")
                continue
            if record_version > version:
                self._count("rejected/from_the_future")
                continue
            group = self._pending.setdefault(group_id, _Group({}, record_version, time.time()))
            if record_version != group.version or sample in group.records:
                self._count("rejected/inconsistent_group")
                continue
            group.records[sample] = record

    def _complete_groups(self, version: int) -> list[tuple[str, _Group]]:
        """Fresh complete groups, newest policy first; stale ones are dropped."""
        ready = []
        for group_id, group in list(self._pending.items()):
            if version - group.version > self.config.max_staleness:
                del self._pending[group_id]
                self._count("stale", len(group.records))
            elif len(group.records) == self.config.group_size:
                ready.append((group_id, group))
        return sorted(ready, key=lambda item: (-item[1].version, item[1].arrived))

    # -- verification ---------------------------------------------------------------------------

    def _check_group(
        self, group: _Group, version: int
    ) -> list[tuple[RolloutRecord, list[Generation]]] | None:
        records = [group.records[sample] for sample in sorted(group.records)]
        began = time.perf_counter()
        with ThreadPoolExecutor(min(REPLAY_THREADS, len(records))) as pool:
            outcomes = list(pool.map(self._checked, records))
        self._replay_seconds += time.perf_counter() - began
        failures = [o for o in outcomes if isinstance(o, str)]
        if failures:
            self._count(f"rejected/{failures[0]}", len(records))
            return None
        replays = [o for o in outcomes if isinstance(o, _Replay)]
        self._count("accepted", len(records))
        self._count("staleness_total", (version - group.version) * len(records))
        # tokenising here, in this thread: tokenizers need not be thread-safe
        return [(replay.record, self._generations(replay)) for replay in replays]

    def _checked(self, record: RolloutRecord) -> _Replay | str:
        try:
            return self._replay(record)
        except RecordRejected as reason:
            return str(reason)

    def _env(self, key: str) -> Any:
        envs = getattr(self._local, "envs", None)
        if envs is None:
            envs = self._local.envs = {}
        if key not in envs:
            if key not in self.factories:
                raise RecordRejected("unknown_environment")
            envs[key] = self.factories[key]()
        return envs[key]

    def _replay(self, record: RolloutRecord) -> _Replay:
        """The record judged again by the trainer's environment (runs in a replay thread)."""
        job = record.policy["job"]
        env = self._env(str(job["env_key"]))
        _, info = env.reset(options={"index": int(job["index"])})
        task = info.get("task")
        if task is None or task.model_dump(mode="json") != record.task.model_dump(mode="json"):
            raise RecordRejected("task_mismatch")
        turns = _assistant_turns(record)
        turn_ids = record.policy.get("turn_ids") or [{}] * len(turns)
        if not turns or len(turn_ids) != len(turns):
            raise RecordRejected("turns_mismatch")
        messages = list(info["messages"])
        played: list[tuple[list[Any], str, dict[str, Any]]] = []
        verdict: Verdict | None = None
        for number, (text, ids) in enumerate(zip(turns, turn_ids, strict=True)):
            if verdict is not None:
                raise RecordRejected("more_turns_than_the_episode_allows")
            played.append((messages, text, ids))
            _, _, terminated, truncated, info = env.step(text)
            messages = list(
                info.get("messages", [*messages, {"role": "assistant", "content": text}])
            )
            if terminated or truncated:
                verdict = info.get("verdict")
                if not isinstance(verdict, Verdict):
                    verdict = Verdict.failure("no_answer", "the episode ended without an answer")
            elif number == len(turns) - 1:
                raise RecordRejected("episode_not_finished")
        assert verdict is not None
        replayed = record.model_copy(
            update={
                "verdict": verdict,
                "messages": [Message.model_validate(m) for m in messages],
            }
        )
        return _Replay(replayed, played, record.verdict.reward)

    def _generations(self, replay: _Replay) -> list[Generation]:
        """The replayed episode's policy turns as generations to learn from."""
        if replay.record.verdict.reward != replay.claimed_reward:
            self._count("reward_mismatch")
        return [self._generation(*turn) for turn in replay.turns]

    def _generation(self, messages: list[Any], text: str, ids: dict[str, Any]) -> Generation:
        tokenizer = self.tokenizer
        prompt_ids = tuple(
            tokenizer(render_prompt(tokenizer, messages), add_special_tokens=False)["input_ids"]
        )
        finish = ids.get("finish_reason", "stop")
        if finish not in ("stop", "length"):
            finish = "stop"
        token_ids = _trusted_ids(ids.get("token_ids"), text, tokenizer, self.config.max_new_tokens)
        if token_ids is None:
            self._count("retokenized")
            token_ids = tuple(tokenizer(text, add_special_tokens=False)["input_ids"])
            if finish == "stop" and tokenizer.eos_token_id is not None:
                token_ids = (*token_ids, int(tokenizer.eos_token_id))
            token_ids = token_ids[: self.config.max_new_tokens]
        return Generation(
            text=text,
            finish_reason=finish,
            prompt_tokens=len(prompt_ids),
            completion_tokens=len(token_ids),
            prompt_ids=prompt_ids,
            token_ids=token_ids,
        )


def _identity(record: RolloutRecord, group_size: int) -> tuple[str, int, int]:
    """(group id, policy version, sample within the group) of a worker's record."""
    policy = record.policy
    try:
        group = str(policy["group"])
        version = int(policy["policy_version"])
        job = policy["job"]
        sample = int(job["sample"]) % group_size
        str(job["env_key"]), int(job["index"])
    except (KeyError, TypeError, ValueError) as error:
        raise RecordRejected("missing_fields") from error
    return group, version, sample


def _assistant_turns(record: RolloutRecord) -> list[str]:
    if record.messages:
        return [m.content for m in record.messages if m.role == "assistant"]
    return [record.completion] if record.completion is not None else []


def _trusted_ids(ids: Any, text: str, tokenizer: Any, limit: int) -> tuple[int, ...] | None:
    """``ids`` when they are valid token ids, at most ``limit`` of them, decoding to ``text``."""
    if not isinstance(ids, list) or not ids or len(ids) > limit:
        return None
    vocabulary = len(tokenizer)
    if not all(isinstance(i, int) and 0 <= i < vocabulary for i in ids):
        return None
    if tokenizer.decode(ids, skip_special_tokens=True) != text:
        return None
    return tuple(ids)
