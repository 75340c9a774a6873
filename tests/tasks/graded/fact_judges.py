"""Scripted judges for the fact-summary tests, built from ``fact_judges:<factory>`` specs."""

from __future__ import annotations

from collections.abc import Sequence

from rlvr.policies.base import Generation, GenerationRequest

QUESTIONS: list[str] = []
"""Every question a judge from this module was asked, in order."""


class ScriptedJudge:
    """Answers every question with ``reply``, and records the question."""

    spec = "fact-judge"

    def __init__(self, reply: str) -> None:
        self.reply = reply

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        QUESTIONS.extend(r.messages[-1]["content"] for r in requests)
        return [Generation(self.reply) for _ in requests]

    def close(self) -> None:
        pass


def seven() -> ScriptedJudge:
    """A judge that gives every summary 7/10."""
    return ScriptedJudge("Faithful, but it could say more.\nScore: 7")


def mute() -> ScriptedJudge:
    """A judge that never gives a score."""
    return ScriptedJudge("I would rather not say.")
