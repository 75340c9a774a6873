"""The reward-hacking monitor: make a policy's exploitation of its reward visible.

A policy trained on a reward will find every error in it. The monitor watches for the signs:

- **Train on one verifier, watch another**: at every evaluation the held-out completions are
  judged again by ``monitor_verifier`` (stricter, or simply different from the training one);
  the gap between the two scores is logged, and a warning is raised when the training reward
  rose since the previous evaluation while the held-out score fell.
- Per step: the correlation of reward with completion length (a verifier that pays for length
  is being gamed when it climbs), the share of the reward paid by the format component, and the
  share paid to answers not judged correct.
- Per evaluation, a readable file ``OUTPUT_DIR/samples/<name>.md`` with the top-reward samples
  and the most-improved tasks since the previous evaluation, for a person to read.
- The best evaluation by held-out score (the monitor's when it is set), for checkpoint
  selection that does not trust the training reward.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rlvr.evals.metrics import format_share, length_correlation, unearned_share
from rlvr.types import RolloutRecord

__all__ = ["HackingMonitor", "format_share", "length_correlation", "unearned_share"]

SAMPLE_CHARS = 1_500
"""Characters of a prompt or completion shown in a samples file."""


@dataclass
class Evaluation:
    """What the monitor keeps of one evaluation."""

    step: int
    score: float
    train_reward: float | None
    rewards: dict[str, float] = field(default_factory=dict)
    """Reward per held-out task (mean over its samples), for "most improved"."""


class HackingMonitor:
    """Follows a run's training reward and held-out scores; see the module docstring."""

    def __init__(
        self,
        output_dir: str | Path,
        *,
        monitor_verifier: str | None = None,
        samples: int = 5,
        tolerance: float = 0.02,
    ) -> None:
        self.output_dir = Path(output_dir)
        self.monitor_verifier = monitor_verifier
        self.samples = samples
        self.tolerance = tolerance
        self._verifier: Any = None
        self._window: list[float] = []
        self.history: list[Evaluation] = []
        self.best: Evaluation | None = None

    def observe_step(self, reward: float) -> None:
        """A training step's mean reward."""
        self._window.append(float(reward))

    def on_evaluation(
        self, name: str, step: int, records: Sequence[RolloutRecord]
    ) -> tuple[dict[str, float], list[str]]:
        """Judge an evaluation's records; its metrics and any warnings."""
        eval_reward = _mean([r.verdict.reward for r in records])
        metrics: dict[str, float] = {}
        scored = records
        if self.monitor_verifier is not None:
            scored = self._monitored(records)
            metrics["eval_monitor"] = _mean([r.verdict.reward for r in scored])
            metrics["eval_monitor_gap"] = eval_reward - metrics["eval_monitor"]
        score = metrics.get("eval_monitor", eval_reward)
        train = _mean(self._window) if self._window else None
        self._window = []
        current = Evaluation(step, score, train, _task_rewards(scored))
        warnings = self._warnings(current)
        metrics["hacking_warning"] = float(bool(warnings))
        self._write_samples(name, records, scored, current)
        self.history.append(current)
        if self.best is None or score > self.best.score:
            self.best = current
        return metrics, warnings

    def is_best(self, step: int) -> bool:
        """Whether the evaluation at ``step`` is the best so far."""
        return self.best is not None and self.best.step == step

    def state(self) -> dict[str, Any]:
        """What a checkpoint keeps, for :meth:`restore`."""
        return {
            "history": [vars(e) for e in self.history],
            "best": vars(self.best) if self.best else None,
            "window": list(self._window),
        }

    def restore(self, state: dict[str, Any]) -> None:
        self.history = [Evaluation(**e) for e in state.get("history", [])]
        self.best = Evaluation(**state["best"]) if state.get("best") else None
        self._window = list(state.get("window", []))

    # -- internals ------------------------------------------------------------------------------

    def _monitored(self, records: Sequence[RolloutRecord]) -> list[RolloutRecord]:
        """The records judged by the monitor verifier (bounded, out of process)."""
        from rlvr import verifiers

        if self._verifier is None:
            self._verifier = verifiers.get(self.monitor_verifier)
        verdicts = self._verifier.verify_many(
            [r.task for r in records], [r.final_completion for r in records]
        )
        return [r.model_copy(update={"verdict": v}) for r, v in zip(records, verdicts, strict=True)]

    def _warnings(self, current: Evaluation) -> list[str]:
        if not self.history:
            return []
        previous = self.history[-1]
        if current.train_reward is None or previous.train_reward is None:
            return []
        rose = current.train_reward - previous.train_reward
        fell = previous.score - current.score
        if rose > self.tolerance and fell > self.tolerance:
            name = self.monitor_verifier
            watched = f" (monitor verifier {name!r})" if name else ""
            return [
                f"possible reward hacking: the training reward rose by {rose:+.3f} since step "
                f"{previous.step} while the held-out score{watched} fell by {fell:.3f} "
                f"({previous.score:.3f} -> {current.score:.3f}); read "
                f"{self.output_dir / 'samples'} and consider the checkpoint of step "
                f"{self.best.step if self.best else previous.step}"
            ]
        return []

    def _write_samples(
        self,
        name: str,
        records: Sequence[RolloutRecord],
        scored: Sequence[RolloutRecord],
        current: Evaluation,
    ) -> None:
        if self.samples < 1 or not records:
            return
        directory = self.output_dir / "samples"
        directory.mkdir(parents=True, exist_ok=True)
        lines = [f"# Held-out samples: {name} (step {current.step})", ""]
        if self.monitor_verifier:
            watched = self.monitor_verifier
            lines += [f"Scores: training verifier / monitor verifier `{watched}`.", ""]
        lines += ["## Top reward", ""]
        ranked = sorted(zip(records, scored, strict=True), key=lambda pair: -pair[0].verdict.reward)
        for record, monitored in ranked[: self.samples]:
            lines += _sample(record, monitored if self.monitor_verifier else None)
        previous = self.history[-1].rewards if self.history else {}
        gains = sorted(
            ((current.rewards[t] - previous[t], t) for t in current.rewards if t in previous),
            reverse=True,
        )
        gains = [(gain, task) for gain, task in gains if gain > 0]
        lines += ["## Most improved since the previous evaluation", ""]
        if not gains:
            lines += ["(no held-out task scores higher than at the previous evaluation)", ""]
        by_task = {}
        for record, monitored in zip(records, scored, strict=True):
            by_task.setdefault(record.task.id, (record, monitored))
        for gain, task_id in gains[: self.samples]:
            record, monitored = by_task[task_id]
            lines += [f"Gain {gain:+.3f}:", ""]
            lines += _sample(record, monitored if self.monitor_verifier else None)
        (directory / f"{name}.md").write_text("\n".join(lines), encoding="utf-8")


def _sample(record: RolloutRecord, monitored: RolloutRecord | None) -> list[str]:
    score = f"reward {record.verdict.reward:.3f}"
    if monitored is not None:
        score += f" / monitor {monitored.verdict.reward:.3f}"
    return [
        f"### {record.task.id} ({score}, {record.verdict.status})",
        "",
        "Prompt:",
        "",
        _fenced(record.task.prompt),
        "Completion:",
        "",
        _fenced(record.final_completion),
    ]


def _fenced(text: str) -> str:
    if len(text) > SAMPLE_CHARS:
        text = text[:SAMPLE_CHARS] + f"\n[... {len(text) - SAMPLE_CHARS} more characters]"
    fence = "`" * max(3, _longest_backtick_run(text) + 1)
    return f"{fence}text\n{text}\n{fence}\n"


def _longest_backtick_run(text: str) -> int:
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return longest


def _task_rewards(records: Sequence[RolloutRecord]) -> dict[str, float]:
    by_task: dict[str, list[float]] = {}
    for record in records:
        by_task.setdefault(record.task.id, []).append(record.verdict.reward)
    return {task: _mean(values) for task, values in by_task.items()}


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
