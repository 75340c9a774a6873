"""Rollout records: make one from an environment step, and re-verify stored ones."""

from __future__ import annotations

from typing import Any

from rlvr.ids import parse_env_id
from rlvr.types import Message, RolloutRecord, Task, Verdict
from rlvr.verifiers.kinds import env_verifier_kind


def env_id_of(env: Any) -> str:
    """The registered id of ``env`` (made by ``rlvr.make`` or ``gymnasium.make``)."""
    spec = getattr(env.unwrapped, "spec", None)
    if spec is None:
        raise ValueError("the environment has no id: build it with rlvr.make or gymnasium.make")
    return spec.id


def make_record(
    env: Any,
    task: Task,
    verdict: Verdict,
    *,
    completion: str | None = None,
    messages: list[dict[str, str]] | None = None,
    timings: dict[str, float] | None = None,
    policy: dict[str, Any] | None = None,
) -> RolloutRecord:
    """A record of one episode of ``env`` (an env made by ``rlvr.make`` or ``gymnasium.make``)."""
    unwrapped = env.unwrapped
    env_id = env_id_of(env)
    return RolloutRecord(
        env_id=env_id,
        env_version=parse_env_id(env_id).version,
        verifier=unwrapped.verifier.name,
        verifier_version=unwrapped.verifier.version,
        verifier_kind=env_verifier_kind(unwrapped),
        task=task,
        completion=completion,
        messages=[Message.model_validate(m) for m in messages] if messages else None,
        verdict=verdict,
        timings=timings or {},
        policy=policy or {},
    )


def reverify(record: RolloutRecord, env: Any = None) -> RolloutRecord:
    """The record judged again by the current verifier of its environment.

    Use it on records produced elsewhere (other processes or machines) before learning from them.
    ``env`` defaults to ``rlvr.make(record.env_id)``; pass one to reuse it across many records.
    """
    if env is None:
        from rlvr.registry import default_registry

        env = default_registry().make(record.env_id)
    verifier = env.unwrapped.verifier
    verdict = env.unwrapped.verify(record.task, record.final_completion)
    return record.model_copy(
        update={
            "verdict": verdict,
            "verifier": verifier.name,
            "verifier_version": verifier.version,
            "verifier_kind": env_verifier_kind(env),
        }
    )
