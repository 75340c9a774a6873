"""One GRPO step's experience: play ``G`` episodes per task, score them, turn them into
training sequences with group-relative advantages.

Episodes are played by the rollout engine (the one ``rlvr eval`` uses), so single-turn,
multi-turn and tool environments all train the same way; every turn's exact sampled token ids
come from the policy's :class:`~rlvr.policies.base.Generation`.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import torch

from rlvr.evals.engine import RolloutEngine
from rlvr.policies.base import Generation, GenerationRequest, Policy
from rlvr.suite import SuiteDraw
from rlvr.trainers.advantages import Scale, group_advantages, zero_variance_groups
from rlvr.trainers.data import group_jobs
from rlvr.trainers.monitor import format_share, length_correlation, unearned_share
from rlvr.trainers.sequences import TrainingSequence
from rlvr.types import RolloutRecord


class TimedPolicy:
    """Wraps a policy and adds up the wall time spent inside ``generate``."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.spec = policy.spec
        self.seconds = 0.0

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        start = time.perf_counter()
        try:
            return self.policy.generate(requests)
        finally:
            self.seconds += time.perf_counter() - start

    def close(self) -> None:
        self.policy.close()


@dataclass
class Experience:
    """Everything one step played, in job order (task by task, ``G`` samples each)."""

    records: list[RolloutRecord]
    generations: list[list[Generation]]
    rewards: torch.Tensor
    advantages: torch.Tensor
    zero_variance: torch.Tensor
    """One boolean per group."""
    sequences: list[TrainingSequence]
    seconds: dict[str, float] = field(default_factory=dict)

    def metrics(self, format_weight: float = 0.0) -> dict[str, Any]:
        """Reward, pass rate, zero-variance share, lengths, truncation and status shares, and
        the reward-hacking signals (:mod:`rlvr.trainers.monitor`): the correlation of reward
        with completion length, and the shares of the reward paid by the format component
        (``format_weight``) and to answers not judged correct."""
        rewards = self.rewards
        turns = [g for episode in self.generations for g in episode]
        lengths = [g.completion_tokens or 0 for g in turns]
        out: dict[str, Any] = {
            "reward": float(rewards.mean()),
            "reward_std": float(rewards.std(unbiased=False)),
            "pass_rate": _mean([float(r.verdict.correct) for r in self.records]),
            "zero_var_share": float(self.zero_variance.float().mean()),
            "completion_len": _mean([float(n) for n in lengths]),
            "completion_len_max": max(lengths, default=0),
            "truncated_share": _mean([float(g.finish_reason == "length") for g in turns]),
            "turns_per_episode": len(turns) / max(len(self.records), 1),
        }
        spent = [float(sum(g.completion_tokens or 0 for g in e)) for e in self.generations]
        correlation = length_correlation(rewards.tolist(), spent)
        out["reward_length_corr"] = correlation if correlation is not None else 0.0
        out["format_share"] = format_share(self.records, format_weight)
        out["unearned_share"] = unearned_share(self.records)
        for status in ("no_answer", "timeout", "error"):
            out[f"{status}_share"] = _mean(
                [float(r.verdict.status == status) for r in self.records]
            )
        out["generation_errors"] = sum(g.finish_reason == "error" for g in turns)
        by_env: dict[str, list[float]] = defaultdict(list)
        for record, reward in zip(self.records, rewards.tolist(), strict=True):
            by_env[record.policy["job"]["env_key"]].append(reward)
        if len(by_env) > 1:
            for key, values in sorted(by_env.items()):
                out[f"reward/{key}"] = _mean(values)
        return out


def play_step(
    engine: RolloutEngine,
    draws: Sequence[SuiteDraw],
    group_size: int,
    *,
    scale: Scale,
    filter_zero_variance: bool,
) -> Experience:
    """Play ``group_size`` episodes of every draw and score them (see the module docstring)."""
    jobs = group_jobs(draws, group_size)
    played: dict[int, tuple[RolloutRecord, list[Generation]]] = {}

    def keep(record: RolloutRecord, generations: list[Generation]) -> None:
        played[record.policy["job"]["sample"]] = (record, generations)

    timed = TimedPolicy(engine.policy)
    engine.policy = timed
    start = time.perf_counter()
    try:
        engine.run_episodes(jobs, keep)
    finally:
        engine.policy = timed.policy
    wall = time.perf_counter() - start
    ordered = [played[job.sample] for job in jobs]
    seconds = {"generate": timed.seconds, "verify": max(wall - timed.seconds, 0.0)}
    return score_episodes(
        [record for record, _ in ordered],
        [turns for _, turns in ordered],
        group_size,
        scale=scale,
        filter_zero_variance=filter_zero_variance,
        seconds=seconds,
    )


def score_episodes(
    records: list[RolloutRecord],
    generations: list[list[Generation]],
    group_size: int,
    *,
    scale: Scale,
    filter_zero_variance: bool,
    seconds: dict[str, float],
) -> Experience:
    """Group-relative advantages for episodes in group order (``group_size`` consecutive
    episodes per task), and one training sequence per policy turn."""
    rewards = torch.tensor([r.verdict.reward for r in records], dtype=torch.float32)
    advantages = group_advantages(rewards, group_size, scale)
    zero_variance = zero_variance_groups(rewards, group_size)
    sequences = [
        TrainingSequence(
            prompt_ids=turn.prompt_ids,
            completion_ids=turn.token_ids,
            advantage=float(advantages[episode]),
            episode=episode,
            truncated=turn.finish_reason == "length",
        )
        for episode, turns in enumerate(generations)
        if not (filter_zero_variance and bool(zero_variance[episode // group_size]))
        for turn in turns
        if turn.prompt_ids and turn.token_ids is not None and turn.finish_reason != "error"
    ]
    return Experience(records, generations, rewards, advantages, zero_variance, sequences, seconds)


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
