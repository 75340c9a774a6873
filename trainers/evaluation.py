"""Held-out evaluation during training, through the eval harness (:func:`rlvr.evals.run.evaluate`).

Each evaluation writes the usual ``results.jsonl`` and ``summary.json`` under
``OUTPUT_DIR/eval/<name>/`` and returns the few numbers the trainer logs; the reward-hacking
monitor (:mod:`rlvr.trainers.monitor`) reads its records.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rlvr.evals.run import RESULTS, evaluate, read_records
from rlvr.policies.base import Policy, SamplingParams
from rlvr.suite import Suite
from rlvr.trainers.config import GRPOConfig
from rlvr.trainers.data import suite_factories
from rlvr.trainers.monitor import HackingMonitor

UNWATCHED = ("before-warmup",)
"""Evaluations the monitor skips: it follows the model that GRPO starts from."""


class HeldOutEvaluator:
    """A run's held-out evaluations, each judged by the reward-hacking monitor."""

    def __init__(self, config: GRPOConfig, suite: Suite) -> None:
        self.config = config
        self.suite = suite
        self.output_dir = Path(config.output_dir)
        self.monitor = HackingMonitor(
            self.output_dir,
            monitor_verifier=config.monitor_verifier,
            samples=config.monitor_samples,
        )
        self._warnings: list[str] = []

    def run(self, policy: Policy, name: str, step: int) -> dict[str, float]:
        """Evaluate ``policy`` as evaluation ``name``; the numbers to log (``eval_best`` is 1
        when it is the best evaluation so far)."""
        config = self.config
        out_dir = self.output_dir / "eval" / name
        results = evaluate_held_out(
            policy,
            self.suite,
            out_dir,
            limit=config.eval_limit,
            max_tokens=config.max_new_tokens,
            temperature=config.eval_temperature,
            seed=config.seed,
            batch_size=config.generation_batch_size,
        )
        if name not in UNWATCHED:
            records = read_records(out_dir / RESULTS)
            watched, warnings = self.monitor.on_evaluation(name, step, records)
            self._warnings += warnings
            results.update(watched, eval_best=float(self.monitor.is_best(step)))
        return results

    def take_warnings(self) -> list[str]:
        """The monitor's warnings since the last call."""
        warnings, self._warnings = self._warnings, []
        return warnings


def evaluate_held_out(
    policy: Policy,
    suite: Suite,
    out_dir: Path,
    *,
    limit: int,
    max_tokens: int,
    temperature: float,
    seed: int,
    batch_size: int,
) -> dict[str, float]:
    """``eval_reward`` (mean reward), ``eval_pass@1`` and ``eval_reward/<env>`` per entry."""
    summary = evaluate(
        suite_factories(suite),
        policy,
        out_dir,
        samples=1,
        limit=limit,
        params=SamplingParams(max_tokens=max_tokens, temperature=temperature, seed=seed),
        batch_size=batch_size,
    )
    return eval_numbers(summary)


def eval_numbers(summary: dict[str, Any]) -> dict[str, float]:
    """The logged numbers of an eval summary."""
    overall = summary["overall"]
    numbers = {
        "eval_reward": float(overall["mean_reward"]),
        "eval_pass@1": float(overall["pass@1"]),
    }
    if len(summary["envs"]) > 1:
        for key, entry in summary["envs"].items():
            numbers[f"eval_reward/{key}"] = float(entry["mean_reward"])
    return numbers
