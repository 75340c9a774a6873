"""The data that flows through rlvr: tasks, verdicts and rollout records.

All three are pydantic models that round-trip through JSON, so a rollout generated in one process
can be stored, shipped to another machine and re-verified there.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Status = Literal["ok", "no_answer", "timeout", "error"]
STATUSES: tuple[Status, ...] = ("ok", "no_answer", "timeout", "error")


class Task(BaseModel):
    """One problem: the prompt a model sees and the gold answer a verifier checks against.

    ``id`` is stable: procedural tasks encode (family, seed, difficulty, index); dataset tasks keep
    the source's own id (e.g. ``"HumanEval/0"``). ``answer`` is any JSON-serialisable gold value.
    """

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    prompt: str
    answer: Any = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class Verdict(BaseModel):
    """What a verifier says about one completion.

    ``status`` tells *why*: ``ok`` (the answer was judged), ``no_answer`` (nothing could be
    extracted), ``timeout`` (verification ran out of time), ``error`` (the verifier itself failed).
    Only an ``ok`` verdict can carry a reward above 0 or be correct.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    reward: float = Field(ge=0.0, le=1.0)
    correct: bool = False
    status: Status = "ok"
    components: dict[str, float] = Field(default_factory=dict)
    feedback: str = ""
    answer: str | None = None
    """The answer the verifier extracted from the completion, when there was one."""

    @field_validator("reward")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError(f"reward must be a finite number in [0, 1], got {value!r}")
        return value

    @model_validator(mode="after")
    def _status_consistent(self) -> Verdict:
        if self.status != "ok" and (self.reward != 0.0 or self.correct):
            raise ValueError(
                f"a verdict with status {self.status!r} must have reward 0 and correct=False, "
                f"got reward={self.reward} correct={self.correct}"
            )
        return self

    @classmethod
    def failure(cls, status: Status, feedback: str, **fields: Any) -> Verdict:
        """A zero-reward verdict with a non-``ok`` status (or a plain wrong ``ok`` answer)."""
        return cls(reward=0.0, correct=False, status=status, feedback=feedback, **fields)


class Message(BaseModel):
    """One chat message."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["system", "user", "assistant", "tool"]
    content: str


class RolloutRecord(BaseModel):
    """One (task, completion, verdict) with everything needed to re-verify it later.

    ``env_version`` and ``verifier_version`` say which behaviour produced the verdict; a record
    verified by an older verifier can be judged again with :func:`rlvr.reverify`.
    ``verifier_kind`` says how (see :mod:`rlvr.verifiers.kinds`): ``None`` in records written
    before kinds existed.
    """

    model_config = ConfigDict(extra="forbid")

    env_id: str
    env_version: int
    verifier: str
    verifier_version: str
    verifier_kind: str | None = None
    """``exact``, ``symbolic``, ``executed``, ``rule`` (verified) or ``rubric``,
    ``reward-model``, ``judge`` (graded, hackable)."""
    task: Task
    completion: str | None = None
    messages: list[Message] | None = None
    verdict: Verdict
    timings: dict[str, float] = Field(default_factory=dict)
    """Seconds spent per stage, e.g. ``{"generate": 1.2, "verify": 0.003}``."""
    policy: dict[str, Any] = Field(default_factory=dict)
    """Free-form facts about the policy: spec, sampling parameters, token counts."""

    @model_validator(mode="after")
    def _has_output(self) -> RolloutRecord:
        if self.completion is None and not self.messages:
            raise ValueError("a rollout record needs a completion or messages")
        return self

    @property
    def final_completion(self) -> str:
        """The completion the verdict is about: ``completion``, else the last assistant message."""
        if self.completion is not None:
            return self.completion
        for message in reversed(self.messages or []):
            if message.role == "assistant":
                return message.content
        return ""
