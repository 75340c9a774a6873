"""Held-out evaluation during training, through the eval harness (:func:`rlvr.evals.run.evaluate`).

Each evaluation writes the usual ``results.jsonl`` and ``summary.json`` under
``OUTPUT_DIR/eval/<name>/`` and returns the few numbers the trainer logs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rlvr.evals.run import evaluate
from rlvr.policies.base import Policy, SamplingParams
from rlvr.suite import Suite
from rlvr.trainers.data import suite_factories


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
