"""Retry with feedback: any single-turn environment as a multi-turn one.

``rlvr.make(env_id, max_attempts=3, feedback="full")`` wraps the environment in
:class:`RetryWithFeedback`. A wrong answer no longer ends the episode: the next observation tells
the model how it did and asks again, so a policy can learn to recover from a failure instead of
giving up.

- ``feedback="none"``: the next observation only asks for another attempt.
- ``feedback="binary"``: it says the answer was not accepted.
- ``feedback="full"``: it also carries the verifier's feedback (the failing test for code, the
  broken rule for logic puzzles, "incorrect: got ..." for math); verifiers never put the gold
  answer in their feedback.

The episode **terminates** on a correct answer and is **truncated** when the attempts run out.
The reward comes at the end: the last verdict's reward times ``discount ** (attempts - 1)``,
0 on earlier turns. ``info["verdicts"]`` holds every turn's verdict and ``info["messages"]`` the
whole conversation as chat messages.
"""

from __future__ import annotations

from typing import Any, Literal

import gymnasium as gym

from rlvr.errors import ResetNeeded
from rlvr.types import Verdict
from rlvr.verifiers.base import check_completion_type

Feedback = Literal["none", "binary", "full"]
FEEDBACK_MODES: tuple[Feedback, ...] = ("none", "binary", "full")
RETRY_KWARGS = ("max_attempts", "feedback", "discount")
"""Keyword arguments :func:`rlvr.make` takes for this wrapper (not passed to the factory)."""
MAX_FEEDBACK_CHARS = 2_000

ASK_AGAIN = "Please try again: give your final answer in the same format."


def feedback_message(verdict: Verdict, mode: Feedback, attempts_left: int) -> str:
    """The observation after a wrong attempt."""
    left = f"You have {attempts_left} attempt{'s' if attempts_left != 1 else ''} left."
    if mode == "none":
        return f"{ASK_AGAIN} {left}"
    lines = ["That answer was not accepted."]
    if mode == "full":
        detail = verdict.feedback.strip()
        if verdict.status != "ok":
            detail = f"({verdict.status}) {detail}".strip()
        if len(detail) > MAX_FEEDBACK_CHARS:
            detail = detail[: MAX_FEEDBACK_CHARS - 3] + "..."
        if detail:
            lines.append(f"Feedback: {detail}")
    lines.append(f"{ASK_AGAIN} {left}")
    return "\n".join(lines)


class RetryWithFeedback(gym.Wrapper, gym.utils.RecordConstructorArgs):
    """Up to ``max_attempts`` answers per task, with feedback between them.

    Wraps an environment with the single-turn interface of :class:`rlvr.envs.TextEnv`
    (``reset``/``step`` plus ``verify(task, completion)``).
    """

    def __init__(
        self,
        env: gym.Env,
        max_attempts: int = 3,
        feedback: Feedback = "full",
        discount: float = 1.0,
    ) -> None:
        if isinstance(max_attempts, bool) or not isinstance(max_attempts, int) or max_attempts < 1:
            raise ValueError(f"max_attempts must be an int >= 1, got {max_attempts!r}")
        if feedback not in FEEDBACK_MODES:
            raise ValueError(
                f"feedback must be one of {', '.join(FEEDBACK_MODES)}; got {feedback!r}"
            )
        if not 0 < discount <= 1:
            raise ValueError(f"discount must be in (0, 1], got {discount!r}")
        if not callable(getattr(env.unwrapped, "verify", None)):
            raise TypeError(
                f"{type(env.unwrapped).__name__} has no verify(task, completion): retry needs a "
                "single-turn text environment"
            )
        gym.utils.RecordConstructorArgs.__init__(
            self, max_attempts=max_attempts, feedback=feedback, discount=discount
        )
        gym.Wrapper.__init__(self, env)
        self.max_attempts = max_attempts
        self.feedback = feedback
        self.discount = discount
        self._info: dict[str, Any] | None = None
        self._verdicts: list[Verdict] = []
        self._done = True

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[str, dict[str, Any]]:
        observation, info = self.env.reset(seed=seed, options=options)
        self._info, self._verdicts, self._done = info, [], False
        info["attempt"] = 1
        info["max_attempts"] = self.max_attempts
        return observation, self._snapshot()

    def step(self, action: str) -> tuple[str, float, bool, bool, dict[str, Any]]:
        check_completion_type(action)
        ResetNeeded.check(started=self._info is not None, ended=self._done)
        verdict = self.env.unwrapped.verify(self._info["task"], action)
        self._verdicts.append(verdict)
        messages = self._info["messages"]
        messages.append({"role": "assistant", "content": action})
        attempts = len(self._verdicts)
        terminated = verdict.correct
        truncated = not terminated and attempts >= self.max_attempts
        reward, observation = 0.0, ""
        if terminated or truncated:
            self._done = True
            reward = verdict.reward * self.discount ** (attempts - 1)
        else:
            observation = feedback_message(verdict, self.feedback, self.max_attempts - attempts)
            messages.append({"role": "user", "content": observation})
        self._info["attempt"] = attempts + (0 if self._done else 1)
        info = self._snapshot()
        info["verdict"] = verdict
        return observation, reward, terminated, truncated, info

    def render(self) -> str | None:
        if self._info is None:
            return self.env.render()
        lines = [f"{m['role']}: {m['content']}" for m in self._info["messages"]]
        for number, verdict in enumerate(self._verdicts, 1):
            lines.append(f"[attempt {number}] {verdict.status} reward={verdict.reward:g}")
        return "\n".join(lines) if self.env.unwrapped.render_mode == "ansi" else None

    def _snapshot(self) -> dict[str, Any]:
        assert self._info is not None
        info = dict(self._info)
        info["messages"] = [dict(m) for m in self._info["messages"]]
        info["verdicts"] = list(self._verdicts)
        return info
