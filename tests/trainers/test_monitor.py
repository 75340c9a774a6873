"""The reward-hacking monitor: its signals by hand, its warning on a synthetic hacked run."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

from rlvr.trainers.monitor import (
    HackingMonitor,
    format_share,
    length_correlation,
    unearned_share,
)
from rlvr.types import RolloutRecord, Task, Verdict

sys.path.insert(0, str(Path(__file__).parent))  # toy_envs
import toy_envs


def record(task: str, completion: str, reward: float, correct: bool, **components) -> RolloutRecord:
    return RolloutRecord(
        env_id="toy/x-v0",
        env_version=0,
        verifier="toy",
        verifier_version="1",
        task=Task(id=task, prompt=f"prompt of {task}", answer="7"),
        completion=completion,
        verdict=Verdict(reward=reward, correct=correct, components=components),
    )


@pytest.mark.parametrize(
    ("rewards", "lengths", "expected"),
    [
        ([0, 1], [1, 2], 1.0),
        ([1, 0, 1, 0], [4, 1, 4, 1], 1.0),
        ([1, 0, 0], [1, 2, 3], -math.sqrt(3) / 2),
        ([1, 1, 1], [1, 2, 3], None),
        ([0, 1], [5, 5], None),
        ([1], [3], None),
    ],
)
def test_length_correlation(rewards, lengths, expected) -> None:
    value = length_correlation(rewards, lengths)
    assert value == pytest.approx(expected) if expected is not None else value is None


def test_format_and_unearned_shares_by_hand() -> None:
    # format_weight 0.5: reward = (correctness + 0.5 format) / 1.5
    records = [
        record("a", "x", 1.0, True, correctness=1.0, format=1.0),
        record("b", "y", 1 / 3, False, correctness=0.0, format=1.0),
        record("c", "z", 0.0, False, correctness=0.0, format=0.0),
    ]
    total = 1.0 + 1 / 3
    assert format_share(records, 0.5) == pytest.approx((1 / 3 + 1 / 3) / total)
    assert format_share(records, 0.0) == 0.0
    assert unearned_share(records) == pytest.approx((1 / 3) / total)
    assert unearned_share([record("d", "w", 0.0, False)]) == 0.0


def evaluation(scores: dict[str, float]) -> list[RolloutRecord]:
    return [record(task, f"answer to {task}", s, s == 1.0) for task, s in scores.items()]


def test_a_rising_training_reward_with_a_falling_held_out_score_warns(tmp_path: Path) -> None:
    monitor = HackingMonitor(tmp_path, samples=2)
    assert monitor.on_evaluation("before", 0, evaluation({"a": 1, "b": 1, "c": 0})) == (
        {"hacking_warning": 0.0},
        [],
    )
    for reward in (0.2, 0.3):
        monitor.observe_step(reward)
    metrics, warnings = monitor.on_evaluation("step-2", 2, evaluation({"a": 1, "b": 0, "c": 1}))
    assert warnings == [] and monitor.best.step == 0
    for reward in (0.6, 0.8):  # the training reward climbs ...
        monitor.observe_step(reward)
    metrics, warnings = monitor.on_evaluation("step-4", 4, evaluation({"a": 0, "b": 0, "c": 1}))
    assert metrics["hacking_warning"] == 1.0  # ... while the held-out score falls
    assert len(warnings) == 1 and "rose by +0.450" in warnings[0] and "fell by 0.333" in warnings[0]
    assert "0.667 -> 0.333" in warnings[0] and "step 0" in warnings[0]
    text = (tmp_path / "samples" / "step-4.md").read_text()
    assert text.startswith("# Held-out samples: step-4 (step 4)")
    assert text.index("### c (reward 1.000") < text.index("## Most improved")
    assert "(no held-out task scores higher than at the previous evaluation)" in text
    earlier = (tmp_path / "samples" / "step-2.md").read_text()
    improved = earlier.split("## Most improved", 1)[1]
    assert "Gain +1.000:" in improved and "### c (reward 1.000" in improved
    assert "### a" not in improved and "### b" not in improved


def test_a_monitor_verifier_judges_again_and_reports_the_gap(tmp_path: Path) -> None:
    toy_envs.register()
    monitor = HackingMonitor(tmp_path, monitor_verifier=toy_envs.MONITOR_VERIFIER)
    records = [record("a", "b...", 1.0, True), record("b", "a...", 1.0, True)]
    metrics, _ = monitor.on_evaluation("before", 0, records)
    assert metrics["eval_monitor"] == 0.5  # "a" has an odd code point, "b" an even one
    assert metrics["eval_monitor_gap"] == 0.5
    text = (tmp_path / "samples" / "before.md").read_text()
    assert "reward 1.000 / monitor 0.000" in text and "reward 1.000 / monitor 1.000" in text


def test_the_monitor_state_survives_a_checkpoint(tmp_path: Path) -> None:
    monitor = HackingMonitor(tmp_path, samples=0)
    monitor.on_evaluation("before", 0, evaluation({"a": 1}))
    monitor.observe_step(0.4)
    restored = HackingMonitor(tmp_path, samples=0)
    restored.restore(json.loads(json.dumps(monitor.state())))
    assert restored.best == monitor.best and restored.history == monitor.history
    restored.observe_step(0.9)
    _, warnings = restored.on_evaluation("step-1", 1, evaluation({"a": 0}))
    assert warnings == []  # no training reward before the first evaluation: nothing to compare
    assert not (tmp_path / "samples").exists()


def test_a_hacked_training_run_raises_the_warning(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from rlvr.trainers.grpo import GRPOTrainer
    from rlvr.trainers.metrics import read_metrics

    toy_envs.register()
    config = toy_envs.toy_config(
        tmp_path,
        env=toy_envs.HACKED_ID,
        eval_suite=toy_envs.HACKED_SUITE,
        eval_limit=32,
        steps=8,
        max_new_tokens=2,
        learning_rate=0.05,
        eval_every=2,
        monitor_verifier=toy_envs.MONITOR_VERIFIER,
        save_best=True,
    )
    trainer = GRPOTrainer(config, console=False)
    try:
        summary = trainer.train()
    finally:
        trainer.close()
    evals = [r for r in read_metrics(tmp_path / "metrics.jsonl") if r["kind"] == "eval"]
    assert evals[-1]["eval_reward"] > evals[0]["eval_reward"] + 0.3  # the gamed reward climbs
    assert evals[-1]["eval_monitor"] < evals[0]["eval_monitor"] - 0.3  # the watched one falls
    assert (
        summary["hacking_warnings"] and "possible reward hacking" in summary["hacking_warnings"][0]
    )
    assert any(r.get("hacking_warning") == 1.0 for r in evals)
    assert summary["best"]["step"] < config.steps  # selected by the monitor, not the reward
    best = json.loads((tmp_path / "best" / "best.json").read_text())
    assert best["step"] == summary["best"]["step"]
    assert (tmp_path / "best" / "config.json").is_file()
    assert (tmp_path / "samples" / "after.md").is_file()
    train = [r for r in read_metrics(tmp_path / "metrics.jsonl") if r["kind"] == "train"]
    assert {"reward_length_corr", "format_share", "unearned_share"} <= set(train[0])
