"""Reward composition: one verdict from weighted, named components.

The primary component (usually ``correctness``) decides ``correct`` and ``status``; the reward is
the weighted mean of every component's reward, so it stays in [0, 1]. If the primary component
did not produce an ``ok`` verdict, the composite verdict carries its status and reward 0: a
well-formatted non-answer earns nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rlvr.types import Task, Verdict
from rlvr.verifiers.base import BaseVerifier, Verifier
from rlvr.verifiers.extract import find_boxed, find_tagged, strip_think


def weighted_reward(rewards: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """The weighted mean ``sum(w_i r_i) / sum(w_i)`` over the components in ``weights``."""
    total = sum(weights.values())
    if total <= 0:
        raise ValueError(f"component weights must sum to > 0, got {dict(weights)}")
    return sum(weights[name] * rewards.get(name, 0.0) for name in weights) / total


class CompositeVerifier(BaseVerifier):
    """Combine verifiers as named, weighted components of one reward."""

    name: ClassVar[str] = "composite"

    def __init__(
        self, components: Mapping[str, tuple[Verifier, float]], primary: str = "correctness"
    ) -> None:
        if primary not in components:
            raise ValueError(
                f"primary component {primary!r} is not among the components {sorted(components)}"
            )
        for label, (_, weight) in components.items():
            if weight < 0:
                raise ValueError(f"component {label!r} has a negative weight {weight}")
        self.components = dict(components)
        self.primary = primary
        self.weights = {label: weight for label, (_, weight) in components.items()}
        weighted_reward({}, self.weights)  # validates the sum
        parts = "+".join(f"{label}={v.name}" for label, (v, _) in self.components.items())
        self.name = f"composite({parts})"  # type: ignore[misc]
        self.version = "+".join(v.version for v, _ in self.components.values())  # type: ignore[misc]
        self.timeout = sum(getattr(v, "timeout", 2.0) for v, _ in self.components.values())

    @property
    def kind(self) -> str:  # type: ignore[override]
        """Hackable if any component is (its kind), else the primary component's kind."""
        from rlvr.verifiers.kinds import composite_kind

        parts = [v for v, _ in self.components.values()]
        return composite_kind(parts, self.components[self.primary][0])

    def check(self, task: Task, completion: str) -> Verdict:
        verdicts = {label: v.verify(task, completion) for label, (v, _) in self.components.items()}
        main = verdicts[self.primary]
        rewards = {label: verdict.reward for label, verdict in verdicts.items()}
        if main.status != "ok":
            return main.model_copy(update={"components": rewards})
        return Verdict(
            reward=weighted_reward(rewards, self.weights),
            correct=main.correct,
            status="ok",
            components=rewards,
            feedback=main.feedback,
            answer=main.answer,
        )

    def reference_completion(self, task: Task) -> str:
        primary = self.components[self.primary][0]
        return primary.reference_completion(task)  # type: ignore[attr-defined]

    def known_bad_completions(self, task: Task) -> dict[str, str]:
        primary = self.components[self.primary][0]
        return primary.known_bad_completions(task)  # type: ignore[attr-defined]


FORMATS = ("boxed", "answer_tag", "think_answer")


class FormatVerifier(BaseVerifier):
    """Rewards the requested answer format, whatever the answer's value.

    ``boxed``: exactly one ``\\boxed{}`` after any thinking; ``answer_tag``: exactly one
    ``<answer>…</answer>``; ``think_answer``: a ``<think>…</think>`` block followed by exactly one
    ``<answer>…</answer>`` (the R1-Zero template). Use it as a small-weight component, never alone.
    """

    name: ClassVar[str] = "format"
    version: ClassVar[str] = "1"
    kind: ClassVar[str] = "rule"
    timeout = 1.0

    def __init__(self, style: str = "boxed") -> None:
        if style not in FORMATS:
            raise ValueError(f"format style must be one of {FORMATS}, got {style!r}")
        self.style = style

    def check(self, task: Task, completion: str) -> Verdict:
        ok = self._follows(completion)
        feedback = "" if ok else f"the answer does not follow the {self.style!r} format"
        return Verdict(
            reward=float(ok), correct=ok, components={"format": float(ok)}, feedback=feedback
        )

    def _follows(self, completion: str) -> bool:
        if self.style == "boxed":
            return _one_nonempty(find_boxed(strip_think(completion)))
        if self.style == "answer_tag":
            return _one_nonempty(find_tagged(strip_think(completion)))
        text = completion.strip()
        if not text.startswith("<think>") or text.count("</think>") != 1:
            return False
        return _one_nonempty(find_tagged(text.split("</think>", 1)[1]))


def _one_nonempty(candidates: list[str]) -> bool:
    return len(candidates) == 1 and bool(candidates[0].strip())
